"""The Quest evaluator: compiles the Quest AST to Python code objects and runs them.

    source --parser--> nodes --compiler--> Python ast --compile()--> code objects

`runtime` holds the helpers generated code calls; `values` the Quest types'
behaviour; `loader` modules and the `use` statement.
"""
