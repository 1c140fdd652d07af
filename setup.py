"""The one build step pyproject.toml cannot say: counting in C (sampan/stats/_fastcount.c).

Optional: without a C compiler and Python's headers the build goes on without it, and Sampan counts in Python
(slower under heavy load, the same counts; docs/performance.md).
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("sampan.stats._fastcount", ["sampan/stats/_fastcount.c"], optional=True)])
