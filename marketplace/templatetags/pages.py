from functools import lru_cache

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.context import make_context
from django.template.loader import get_template
from django.template.loader_tags import BlockNode
from django.urls import get_script_prefix
from django.utils.translation import get_language

from marketplace.context_processors import site_settings
from marketplace.pagecache import kept_header, shared_query_string, stored_personal_header

register = template.Library()


@register.simple_tag(takes_context=True)
def shared_path(context):
    """The page's path and query without tracking parameters: a stored page is shared by every
    link that differs only in those, so it must not carry the first visitor's."""
    request = context.get("request")
    if request is None:
        return ""
    query = shared_query_string(request)
    return f"{request.path}?{query}" if query else request.path


@register.simple_tag(takes_context=True)
def search_words(context):
    """The words of the search on the page, for the header's search box. `{{ request.GET.q }}`
    on a page without a search (nearly every page) raises and catches three exceptions and lists
    the QueryDict's attributes: 16 µs against 5."""
    request = context.get("request")
    return request.GET.get("q", "") if request is not None else ""


# --- {% once %}: parts of the layout that are the same for every visitor ----------------------

# Moves when a test overrides settings: links and static URLs follow the URLconf, the static
# storage and the languages.
_settings_generation = 0


@receiver(setting_changed)
def forget_rendered_once(**kwargs):
    global _settings_generation
    _settings_generation += 1


def rendered_once(rendered, render, context):
    """`render()`'s text, kept in `rendered` per language and URL prefix for later requests."""
    key = once_key(context)
    text = rendered.get(key)
    if text is None or settings.DEBUG:
        text = rendered[key] = render()
    return text


def once_key(context):
    """What a text rendered once depends on: the language, the URL prefix and the settings.

    Worked out once per template render: the layout's eight such texts each read two
    thread-locals otherwise, 15–20 µs a page. Within one template the language can only change
    in {% language %}, which may not hold them (`outside_language_tags`); an included template
    has a render state of its own."""
    state = context.render_context
    key = state.get(once_key)
    if key is None:
        key = state[once_key] = (get_language(), get_script_prefix(), _settings_generation)
    return key


def outside_language_tags(parser, tag):
    if any(command == "language" for command, _ in parser.command_stack):
        raise template.TemplateSyntaxError(f"{{% {tag} %}} cannot be inside {{% language %}}")


def without_blocks(nodelist, tag):
    """The content of a tag whose node hides it from {% extends %}: {% extends %} looks for
    {% block %} tags through every node of the layout on each render (5 % of a page put together
    from cached fragments); the two big tags of base.html need not be walked if they hold none."""
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError(f"{{% {tag} %}} cannot hold a {{% block %}}")
    return nodelist


class OnceNode(template.Node):
    """Its content rendered once per language and URL prefix, then reused by every request.

    The content sees only the site's settings (SITE_NAME, SITE_REGION, SITE_URL), never the
    visitor or the page: a variable about them renders empty, so nobody's data is shared.
    """

    child_nodelists = ()  # without_blocks

    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.rendered = {}

    def render(self, context):
        return rendered_once(self.rendered, lambda: self.render_for_the_site(context), context)

    def render_for_the_site(self, context):
        site = template.Context(site_settings(), autoescape=context.autoescape)
        site.template = context.template
        return self.nodelist.render(site)


@register.tag
def once(parser, token):
    """{% once %}…{% endonce %}: links, static files and words that are the same on every page
    view. Rendered per request, base.html's {% url %}, {% static %} and {% translate %} cost
    about 0.35 ms, a sixth of a page built from cached fragments."""
    outside_language_tags(parser, "once")
    nodelist = parser.parse(("endonce",))
    parser.delete_first_token()
    return OnceNode(without_blocks(nodelist, "once"))


# --- {% personal %}: the visitor's own part of the header -----------------------------------


class PersonalNode(template.Node):
    child_nodelists = ()  # without_blocks

    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.rendered_for_nobody = {}

    def render(self, context):
        request = context.get("request")
        stored = stored_personal_header(request)
        if stored is not None:
            return stored
        render = lambda: self.render_marked(context)  # noqa: E731
        if is_nobody(request):
            return rendered_once(self.rendered_for_nobody, render, context)
        return kept_header(request, render) or render()

    def render_marked(self, context):
        return f"<!--personal-->{self.nodelist.render(context)}<!--/personal-->"


def is_nobody(request):
    """A visitor not logged in and without a session, so without a cart either (as
    orders.selectors.cart_count reads it): their header is everyone else's in their language."""
    user, session = getattr(request, "user", None), getattr(request, "session", None)
    if user is None or session is None:
        return False
    return not user.is_authenticated and not session.session_key


def header_alone(request, layout="base.html"):
    """The visitor's header (the `{% personal %}` part of the layout) rendered on its own, with
    the context a whole page gives it: for a stored page whose only stale part is the header."""
    template = get_template(layout).template
    context = make_context({}, request)
    with context.bind_template(template):
        return personal_node_of(template).render_marked(context)


@lru_cache(maxsize=4)
def personal_node_of(template):
    """The layout's one `{% personal %}` node, found once per compiled template (the cached
    loader keeps it) rather than by walking the whole layout for every header."""
    [node] = template.nodelist.get_nodes_by_type(PersonalNode)
    return node


@register.tag
def personal(parser, token):
    """{% personal %}…{% endpersonal %}: the account links, cart and notifications, marked for
    the page cache (marketplace.pagecache), which stores them per visitor. A page rendered anew
    for a visitor whose header is stored and current takes that instead: the header's queries
    (the cart's units, unread notifications, "My shop") run once per change, not once per page.
    A visitor without a session and not logged in gets the header rendered once per language."""
    outside_language_tags(parser, "personal")
    nodelist = parser.parse(("endpersonal",))
    parser.delete_first_token()
    return PersonalNode(without_blocks(nodelist, "personal"))
