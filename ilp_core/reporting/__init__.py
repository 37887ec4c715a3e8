"""Layer 4, reporting: text, tables for display, figures and the bytes of every download.

Reads results; computes no estimate of its own.
"""
