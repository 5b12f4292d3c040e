"""Work requests: the customer's request form, the vendor's inbox (turn into a work order or
decline), work types per customer, the notification email and the "needs information" action.
"""
