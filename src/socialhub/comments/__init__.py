"""The comment service: comments and Webmentions in, a queue on disk, moderation, files out.

The service never writes into content/ and never touches the published site:
it only adds files to its queue. Approving a comment (a command the maintainer
runs) turns it into content/comments/<item>/<id>.md; the next build publishes it.
"""
