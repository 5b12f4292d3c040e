"""What customers see and do: the lists, the detail page, approvals, change requests, reorders,
menu entries, widgets, action items, the PDFs and the demo data.
"""
