from ninja import Router

router = Router(tags=["charter"])
