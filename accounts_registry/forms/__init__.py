"""Forms of the registry: the shape of input only; business rules are in the services."""

from accounts_registry.forms.common import (
    YES_NO,
    StaffChoiceField,
    StaffMultipleChoiceField,
    staff_users,
)
from accounts_registry.forms.governance import (
    AdviceAnswerForm,
    AdviceForm,
    DiscoveredImportForm,
    SettingsForm,
    TrainingForm,
    TriageForm,
)
from accounts_registry.forms.public import ImpersonationReportForm, LookupForm
from accounts_registry.forms.registry import (
    AccountRequestForm,
    AcknowledgeForm,
    ActivationForm,
    ActivityForm,
    AddAdminForm,
    AuditForm,
    CloseForm,
    DecisionForm,
    DirectoryFilterForm,
    HandoverForm,
    KeepForm,
    RegisterExistingForm,
    StandInForm,
    WithdrawForm,
)

__all__ = [
    "YES_NO",
    "AccountRequestForm",
    "AcknowledgeForm",
    "ActivationForm",
    "ActivityForm",
    "AddAdminForm",
    "AdviceAnswerForm",
    "AdviceForm",
    "AuditForm",
    "CloseForm",
    "DecisionForm",
    "DirectoryFilterForm",
    "DiscoveredImportForm",
    "HandoverForm",
    "ImpersonationReportForm",
    "KeepForm",
    "LookupForm",
    "RegisterExistingForm",
    "SettingsForm",
    "StaffChoiceField",
    "StaffMultipleChoiceField",
    "StandInForm",
    "TrainingForm",
    "TriageForm",
    "WithdrawForm",
    "staff_users",
]
