"""The quarter's lifecycle: a new workbook's plan, its example, reading a roadmap back,
and carrying this quarter's final review into next quarter's workbook.
"""
