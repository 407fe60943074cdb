"""URLs of the alumni app (mounted at /alumni/)."""

from django.urls import path

from alumni.views import member, staff

app_name = "alumni"

urlpatterns = [
    path("verification/", member.verification, name="verification"),
    path("queue/", staff.queue_page, name="queue"),
    path("queue/bulk/", staff.bulk_decide, name="bulk_decide"),
    path("queue/<int:pk>/", staff.verification_detail, name="verification_detail"),
    path("records/", staff.records, name="records"),
    path("records/import/", staff.records_import_page, name="records_import"),
    path("records/<int:pk>/", staff.record_detail, name="record"),
]
