"""The framework's floor: the smallest Django app that shows the same post from the same database.

No middleware, one unmanaged model over Sampan's post table, one view, one small template. Whatever this
serves per second is what Django itself costs on this machine; Sampan's uncached page is measured against it.
"""
