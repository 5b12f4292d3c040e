"""The vendor's side of work orders: admin pages for work orders, parts, steps, tags and stages,
moving parts through steps, and the ERP's JSON API under /api/v1/workorders/.
"""
