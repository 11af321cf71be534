# gunicorn settings for the comment service; deploy/hub-comments.service runs
#   gunicorn --config /srv/hub/deploy/gunicorn.conf.py socialhub.comments.wsgi:application
# Command-line options override these (the tests change --bind and --workers).
#
# Why gthread: a sync worker reads one request at a time, so a client that sends
# its request slowly holds the whole worker, and a few dozen of them stopped even
# /health. A gthread worker gives each connection a thread and keeps idle
# keep-alive connections in a poller: a slow client holds one thread of
# workers x threads, not a worker. Behind nginx (deploy/nginx-hub.conf, the
# supported set-up) nginx reads each request whole before it passes it on, so
# slow clients never reach gunicorn at all.

bind = "127.0.0.1:8001"
workers = 2
worker_class = "gthread"
threads = 64  # per worker: a slow client holds one, so this is also how many it outlasts
worker_connections = 200  # per worker: keep-alive connections included
timeout = 30  # a worker that stops answering its arbiter for this long is restarted
graceful_timeout = 20
keepalive = 5  # seconds an idle keep-alive connection is kept
# A comment is a few kilobytes: anything far larger in the request line or
# headers is refused by gunicorn itself before the app sees it.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
accesslog = "-"
