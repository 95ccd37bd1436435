"""Quest values: how each Quest type is represented and what it can do.

Quest values are plain Python objects where the two languages agree: Int is
`int`, Float `float`, Str `str`, Bool `bool`, Nil `None`, Bytes `bytes`,
Array `list`, Dict `dict`, Decimal `decimal.Decimal`.  Set and BigInt have
classes of their own (`QSet`, `BigInt`), so that Python's operators on them
cannot leak Python semantics.  User types are Python classes made by
`usertypes.make_type`.
"""
