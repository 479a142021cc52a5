from catalog import images, services
from catalog.models import ProductImage
from marketplace.celery import MarketplaceTask, app


class RenderTask(MarketplaceTask):
    max_retries = 4
    # Well inside the broker's visibility timeout, so a render is never redelivered while it runs.
    time_limit = 300
    soft_time_limit = 240

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


@app.task
def requeue_stuck_images():
    services.requeue_stuck_images()
