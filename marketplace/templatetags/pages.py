from django import template

from marketplace.pagecache import shared_query

register = template.Library()


@register.simple_tag(takes_context=True)
def shared_path(context):
    """The page's path and query without tracking parameters: a stored page is shared by every
    link that differs only in those, so it must not carry the first visitor's."""
    request = context.get("request")
    if request is None:
        return ""
    query = shared_query(request.GET).urlencode()
    return f"{request.path}?{query}" if query else request.path
