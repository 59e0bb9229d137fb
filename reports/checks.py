from django.core.checks import Warning, register

from . import registry


@register()
def metric_code_conflicts(app_configs=None, **kwargs):
    return [
        Warning(
            f"Metric code {second.code!r} (app {second.app!r}) is already registered by app {first.app!r}; "
            "the second declaration is ignored.",
            hint="Give the metric a code prefixed with its app (e.g. fee_…, party_…).",
            id="reports.W001",
        )
        for first, second in registry.conflicts()
    ]
