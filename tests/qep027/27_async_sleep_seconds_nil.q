await async.sleep(1.5)  # Sleep 1.5 seconds
