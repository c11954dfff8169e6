"""Cercle's benchmark (`make bench`). Each module measures one part; `__main__` runs them."""
