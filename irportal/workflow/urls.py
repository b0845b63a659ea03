from django.urls import path

from irportal.workflow import views

app_name = "workflow"

urlpatterns = [
    path("", views.ApprovalStepListView.as_view(), name="steps"),
    path("new/", views.ApprovalStepFormView.as_view(), name="step_create"),
    path("<int:pk>/", views.ApprovalStepFormView.as_view(), name="step_update"),
]
