"""Purchase orders, packing slips and bills of lading (with their PDFs, visible once sent), and
the job sites view: open activity per site and all open orders across sites.
"""
