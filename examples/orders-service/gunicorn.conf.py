# gunicorn settings for the orders API (read by `gunicorn -c gunicorn.conf.py`).
bind = "0.0.0.0:8000"
workers = 3
timeout = 30
graceful_timeout = 20
reload = True
accesslog = "-"
