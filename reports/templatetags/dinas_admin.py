from django import template

from reports import queues

register = template.Library()


@register.simple_tag
def dinas_attention(user):
    return queues.attention_for(user)
