"""Structured concurrency for Quest on Trio (CONCURRENCY.md).

* `scope`: the implicit scope of every async call, block_on, task body and
  module top level; spawn attaches to the innermost one;
* `task`: Task handles; `channel`: channels and the lossless select;
* `combinators`: join_all, try_join_all, race, race_ok, timeout;
* `runner`: the one ``trio.run`` a program runs in, and block_on;
* `diagnostics`: what ran, what leaked, what failed unobserved.
"""
