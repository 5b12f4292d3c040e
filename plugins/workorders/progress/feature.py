"""Work orders as customers see them: active/completed lists, the detail page with a progress bar
per part built from the stages, notes and pictures, widgets, the work order PDF, demo data.
"""
