from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from reports.models import ProgressReport
from tests.factories import PeriodFactory, ReportFactory

pytestmark = pytest.mark.django_db


def test_one_report_per_task_agency_and_period():
    report = ReportFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportFactory(task=report.task, agency=report.agency, period=report.period)
    # The next period gets its own report.
    ReportFactory(task=report.task, agency=report.agency)


def test_percent_cannot_exceed_100():
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportFactory(percent=101)
    assert ReportFactory(percent=100).percent == 100


def test_only_an_accepted_report_is_a_typical_case():
    report = ReportFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressReport.objects.filter(pk=report.pk).update(is_typical_case=True)
    ProgressReport.objects.filter(pk=report.pk).update(state="accepted", is_typical_case=True)


def test_period_due_date_cannot_precede_its_opening():
    with pytest.raises(IntegrityError), transaction.atomic():
        PeriodFactory(opens_on=dt.date(2025, 7, 1), due_on=dt.date(2025, 6, 30))


def test_unknown_report_state_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportFactory(state="approved")
