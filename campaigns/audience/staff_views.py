"""Staff views of the audience: importing a file, the live size of a segment being edited, and an
ambassador's personal data (handed over, or erased)."""

import json
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.audience import segments
from campaigns.audience.imports.columns import file_header, mapping_needed, suggestions
from campaigns.audience.imports.files import ImportFileError
from campaigns.audience.imports.jobs import import_dir, import_queue, upload_keep
from campaigns.audience.imports.template import template_csv
from campaigns.audience.personal_data import ambassador_erase, ambassador_export
from campaigns.forms import AmbassadorImportForm, ColumnMappingForm
from campaigns.models import Ambassador, AmbassadorImport, Segment
from campaigns.privacy import segment_counts
from campaigns.staff_admin import require_perms

IMPORT_PERMISSIONS = ("campaigns.add_ambassadorimport", "campaigns.add_ambassador")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


PENDING = "ambassador_import_pending"  # the session's key for a file waiting for its column mapping


def ambassador_import(request):
    require_perms(request, *IMPORT_PERMISSIONS)
    form = AmbassadorImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["update_existing"]:
            require_perms(request, "campaigns.change_ambassador")
        upload = data["file"]
        stored = upload_keep(upload)
        pending = {
            "stored": stored.name,
            "file_name": Path(upload.name).name[:255],
            "options": {name: data[name] for name in ("update_existing", "keep_valid", "dry_run")},
            "segment_id": data["segment"].pk if data["segment"] else None,
        }
        if data["choose_columns"] or mapping_needed(stored, pending["file_name"]):
            request.session[PENDING] = pending
            return redirect("ambassador_import:columns")
        return redirect("ambassador_import:detail", _pending_queue(request, pending).pk)
    recent = AmbassadorImport.objects.select_related("created_by")[:10]
    return render(request, "campaigns/import_form.html", {"form": form, "recent": recent})


def _pending_queue(request, pending, columns=None):
    return import_queue(
        stored=import_dir() / pending["stored"],
        file_name=pending["file_name"],
        user=request.user,
        options=pending["options"],
        segment_id=pending["segment_id"],
        language=get_language(),
        columns=columns,
    )


def ambassador_import_columns(request):
    """The mapping step: each column of the uploaded file mapped to a field (suggested from its header), then the
    import queued with that mapping."""
    require_perms(request, *IMPORT_PERMISSIONS)
    pending = request.session.get(PENDING)
    stored = import_dir() / Path(pending["stored"]).name if pending else None
    if stored is None or not stored.is_file():  # none waiting (used, or expired): the page says so
        return render(request, "campaigns/import_columns.html", {"form": None})
    try:
        header = file_header(stored, pending["file_name"])
    except ImportFileError as exc:
        messages.error(request, str(exc))
        return redirect("ambassador_import:index")
    form = ColumnMappingForm(suggestions(header), request.POST or None)
    if request.method == "POST" and form.is_valid():
        del request.session[PENDING]
        return redirect("ambassador_import:detail", _pending_queue(request, pending, form.columns()).pk)
    context = {"form": form, "file_name": pending["file_name"]}
    return render(request, "campaigns/import_columns.html", context)


def ambassador_import_detail(request, pk):
    require_perms(request, *IMPORT_PERMISSIONS)
    job = get_object_or_404(AmbassadorImport, pk=pk)
    return render(request, "campaigns/import_detail.html", {"job": job})


def ambassador_import_template(request):
    """The CSV file to start an import from: every column, one example row."""
    require_perms(request, *IMPORT_PERMISSIONS)
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    name = _("modele-ambassadeurs.csv")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


REJECTED_FORMATS = {"csv": ("rejected_csv", "text/csv; charset=utf-8"), "xlsx": ("rejected_xlsx", XLSX_TYPE)}


def ambassador_import_rejected(request, pk, kind):
    """The rejected rows of an import as a file (CSV or XLSX), named after the uploaded file; only for staff
    who may import (the file holds people's addresses)."""
    require_perms(request, *IMPORT_PERMISSIONS)
    job = get_object_or_404(AmbassadorImport, pk=pk)
    if kind not in REJECTED_FORMATS:
        raise Http404
    field, content_type = REJECTED_FORMATS[kind]
    path = Path(getattr(job, field) or "")
    if not getattr(job, field) or not path.is_file():
        raise Http404
    name = _("%(stem)s-lignes-rejetees.%(kind)s") % {"stem": Path(job.file_name).stem[:100], "kind": kind}
    return FileResponse(open(path, "rb"), as_attachment=True, filename=name, content_type=content_type)


def rules_from_post(data, prefix="rules"):
    """The rules of a segment form as posted (Wagtail's inline panel), deleted ones left out."""
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    except ValueError:
        total = 0
    rules = []
    for index in range(min(total, 200)):
        if data.get(f"{prefix}-{index}-DELETE") in {"1", "on", "true"}:
            continue
        attribute = data.get(f"{prefix}-{index}-attribute", "")
        if attribute:
            rules.append(segments.Rule(attribute, data.get(f"{prefix}-{index}-value", "")))
    return rules


@require_POST
def segment_size(request):
    """Members of the segment being edited, counted by one query: the admin form shows it live, through the
    privacy layer (exact only to those who may read ambassadors' identities)."""
    require_perms(request, "campaigns.view_segment")
    kind = request.POST.get("kind", Segment.Kind.RULES)
    match = request.POST.get("match", Segment.Match.ALL)
    segment_id = request.POST.get("segment_id") or None
    if segment_id is not None and not segment_id.isdigit():
        segment_id = None
    try:
        count = segments.count_members(kind, match, rules_from_post(request.POST), segment_id)
    except ValidationError as exc:
        return JsonResponse({"count": None, "error": " ".join(exc.messages)})
    shown, label = segment_counts.segment_size(count, request.user)
    return JsonResponse({"count": shown, "label": label})


def ambassador_data_export(request, pk):
    """Everything held on one ambassador, as a JSON file to hand over (right of access)."""
    require_perms(request, "campaigns.view_ambassador")
    ambassador = get_object_or_404(Ambassador, pk=pk)
    response = HttpResponse(
        json.dumps(ambassador_export(ambassador), ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="ambassadeur-{ambassador.pk}.json"'
    return response


def ambassador_data_erase(request, pk):
    """Asks, then erases the ambassador's identity (right to erasure): contributions stay, de-identified."""
    require_perms(request, "campaigns.delete_ambassador")
    ambassador = get_object_or_404(Ambassador, pk=pk)
    if request.method == "POST":
        erasure = ambassador_erase(ambassador)
        said = _("Les données de l'ambassadeur n° %(pk)s sont effacées.") % {"pk": ambassador.pk}
        messages.success(request, " ".join([said, *(f"{line}." for line in erasure.done)]))
        return redirect("wagtailsnippets_campaigns_ambassador:list")
    return render(request, "campaigns/admin/ambassador_erase.html", {"ambassador": ambassador})
