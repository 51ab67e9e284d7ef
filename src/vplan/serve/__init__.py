"""``vplan serve``: the nurse's local web page, on this computer only.

``guard`` checks every request (the loopback address, the token's cookie, Host and
Origin) and adds the headers every answer carries; ``made`` makes the handout, the day's
list and ``check``'s answer from what the page's forms hold, through the same core
functions as the command line; ``pages`` lays them out; ``run`` starts uvicorn and stops
it when the page has been idle. Starlette and uvicorn are imported here only.
"""
