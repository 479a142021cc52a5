from catalog import images
from catalog.models import ProductImage
from marketplace.celery import MarketplaceTask, app


class RenderTask(MarketplaceTask):
    max_retries = 4

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """Retries exhausted (storage down for long): tell the vendor instead of spinning forever."""
        image = ProductImage.objects.filter(pk=args[0] if args else kwargs.get("image_id")).first()
        if image is not None:
            images.mark_failed(image=image, reason=ProductImage.FailureReason.STORAGE)


@app.task(base=RenderTask)
def render_product_image(image_id):
    image = ProductImage.objects.filter(pk=image_id).first()
    if image is not None:  # deleted by the vendor before the worker got to it
        images.render_renditions(image=image)
