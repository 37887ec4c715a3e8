"""Layer 2, the cohort: reading workbooks, mapping columns, cleaning and checking rows, deriving endpoints.

Every input row ends analysed or reported in the problem log. Imports only the base modules.
"""
