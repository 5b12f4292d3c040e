"""The vendor's side: admin pages for quotes, orders and lines, sending, approvals and change
requests, turning a quote into an order, and the ERP's JSON API under /api/v1/quotes/.
"""
