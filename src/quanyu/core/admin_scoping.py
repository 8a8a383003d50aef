"""Django admin, scoped like every other read: the back office shows a non-superuser only its
part of the tree, and an object outside it is a 404.

Who may use the admin (decided here, documented in docs/ARCHITECTURE.md):

* The admin site itself needs ``is_staff`` (Django's switch for "may use the back office").
* Superusers see and edit everything; Django's model permissions and groups are not used for
  anyone else.
* A non-superuser staff user may *view* a model when it holds one of the admin class's
  ``view_roles`` at some node, and *add, change or delete* when it holds one of ``edit_roles``
  (for change/delete: at a node whose subtree contains the object). Everything it sees, every
  foreign-key choice and every tree position it may pick is limited by
  :func:`quanyu.core.scoping.scope`.

Roles are compared by their value (``"admin"``, ``"org_department"``, …) because the kernel does
not import ``accounts``; the actor is duck-typed like in ``scoping`` (``active_grants`` with
``role`` and ``area.path``). tests/accounts checks that these names are real roles.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Length, Substr
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import MoveNodeForm

from quanyu.core.scoping import EVERYTHING, actor_scope_paths, get_scoped_or_404, scope

# Role values (quanyu.core.roles.Role) that may browse and edit the registry in the admin.
BACK_OFFICE_VIEW_ROLES = frozenset({"admin", "org_department", "street_staff", "community_staff"})
BACK_OFFICE_EDIT_ROLES = frozenset({"admin", "org_department"})
AUDIT_VIEW_ROLES = frozenset({"auditor"})

CHILD_POSITIONS = frozenset({"first-child", "last-child", "sorted-child"})


def is_unrestricted(actor: Any) -> bool:
    return EVERYTHING in actor_scope_paths(actor)


def holds_role(actor: Any, roles: frozenset[str], *, at_path: str | None = None) -> bool:
    """True if the (non-superuser) actor holds one of ``roles`` at a node whose subtree contains
    ``at_path`` (any node when ``at_path`` is None)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    return any(
        g.role in roles and (at_path is None or at_path.startswith(g.area.path))
        for g in getattr(actor, "active_grants", ())
    )


def object_scope_path(obj: models.Model) -> str | None:
    """The materialised path that scopes ``obj`` (follows ``scope_path_field``)."""
    field = getattr(obj, "scope_path_field", None)
    if field is None:
        return None
    value: Any = obj
    for part in field.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return str(value)


def in_scope(actor: Any, path: str) -> bool:
    return any(path.startswith(p) for p in actor_scope_paths(actor))


class ScopedAdminMixin:
    """For ``ModelAdmin`` and inline classes of models with a ``scope_path_field``."""

    view_roles: frozenset[str] = BACK_OFFICE_VIEW_ROLES
    edit_roles: frozenset[str] = BACK_OFFICE_EDIT_ROLES

    # --- who may do what -------------------------------------------------------------------
    def roles_to_view(self) -> frozenset[str]:
        """The roles that see these rows (``view_roles``, or a rule a subclass computes)."""
        return self.view_roles | self.edit_roles

    def roles_to_edit(self) -> frozenset[str]:
        return self.edit_roles

    def _staff(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if request.user.is_superuser:
            return True
        return self._staff(request) and holds_role(request.user, self.roles_to_view())

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        if request.user.is_superuser:
            return True
        return self._staff(request) and holds_role(request.user, self.roles_to_edit())

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if request.user.is_superuser:
            return True
        at_path = object_scope_path(obj) if obj is not None else None
        return self._staff(request) and holds_role(request.user, self.roles_to_edit(), at_path=at_path)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_change_permission(request, obj)

    # --- what they see ---------------------------------------------------------------------
    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        return self.scope_queryset(request, super().get_queryset(request))  # type: ignore[misc]

    def scope_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return scope(queryset, actor=request.user)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        related = db_field.remote_field.model
        if "queryset" not in kwargs and getattr(related, "scope_path_field", None):
            kwargs["queryset"] = scope(related._default_manager.all(), actor=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    # --- out of scope is a 404 -------------------------------------------------------------
    # Django's own answer for a missing object is a redirect with a message; the rest of the app
    # answers 404, and so does the admin.
    def _require_object(self, request: HttpRequest, object_id: str) -> None:
        if self.get_object(request, unquote(object_id)) is None:  # type: ignore[attr-defined]
            raise Http404

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        self._require_object(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        self._require_object(request, object_id)
        return super().delete_view(request, object_id, extra_context)  # type: ignore[misc]

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        self._require_object(request, object_id)
        return super().history_view(request, object_id, extra_context)  # type: ignore[misc]


class ScopedModelAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """A scoped ``ModelAdmin``."""


class ScopedMoveNodeForm(MoveNodeForm):
    """treebeard's move form limited to the actor's subtree: the reference node is one the actor
    sees; for trees scoped by their own path (areas) the new parent must be inside the subtree
    too. A non-superuser may edit the top node of its subtree but not move it.
    ``validate_parent`` is the hook for rules about what may hang under what."""

    actor: Any = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if is_unrestricted(self.actor):
            return
        model = self._meta.model
        ref_field = self.fields["treebeard_ref_node"]
        ref_field.queryset = scope(ref_field.queryset, actor=self.actor)
        ref_field.required = True
        ref_field.empty_label = None
        initial_ref = self.initial.get("treebeard_ref_node")
        initial_position = self.initial.get("treebeard_position")
        if self.instance.pk and self._moves_outside_scope(initial_position, initial_ref):
            # The actor's own top node: its place in the tree is above the actor's reach.
            ref_field.queryset = model.objects.filter(pk=getattr(initial_ref, "pk", None))
            ref_field.required = False
            ref_field.disabled = True
            self.fields["treebeard_position"].disabled = True

    def _parent_of(self, position: str | None, ref: Any) -> Any:
        if ref is None:
            return None
        return ref if position in CHILD_POSITIONS else self._meta.model.objects.get_parent(ref)

    def _moves_outside_scope(self, position: str | None, ref: Any) -> bool:
        if getattr(self._meta.model, "scope_path_field", None) != "path":
            return (
                ref is not None
                and not scope(self._meta.model.objects.filter(pk=ref.pk), actor=self.actor).exists()
            )
        parent = self._parent_of(position, ref)
        return parent is None or not in_scope(self.actor, parent.path)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        position = cleaned.get("treebeard_position")
        ref = cleaned.get("treebeard_ref_node")
        moving = not self.fields["treebeard_ref_node"].disabled
        if moving and not is_unrestricted(self.actor) and self._moves_outside_scope(position, ref):
            self.add_error("treebeard_ref_node", _("只能在您的管辖范围内添加或移动节点"))
        if moving:
            parent = self._parent_of(position, ref)
        else:
            parent = self._meta.model.objects.get_parent(self.instance) if self.instance.pk else None
        self.validate_parent(parent, cleaned)
        return cleaned

    def validate_parent(self, parent: Any, cleaned: dict[str, Any]) -> None:
        """Override to check that the node may hang under ``parent`` (None: a root)."""

    def save(self, commit: bool = True) -> Any:
        if self.fields["treebeard_ref_node"].disabled:
            self.cleaned_data.pop("treebeard_ref_node", None)
            self.cleaned_data.pop("treebeard_position", None)
            return forms.ModelForm.save(self, commit=commit)
        return super().save(commit=commit)


class ScopedTreeAdmin(ScopedAdminMixin, TreeAdmin):
    """treebeard's ``TreeAdmin`` with scoping: the first level of the changelist is the top of the
    actor's subtree (not the tree's roots), children and moves stay inside it."""

    form = ScopedMoveNodeForm

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        base: models.QuerySet[Any] = scope(admin.ModelAdmin.get_queryset(self, request), actor=request.user)
        if not hasattr(request, "_treebeard_parent_id"):
            return base
        if getattr(request, "_ignore_treebeard_filters", False):
            return base
        if self.is_filtered(request):
            request._treebeard_parent = None  # type: ignore[attr-defined]
            return base
        parent_id = request._treebeard_parent_id
        if parent_id:
            parent = get_scoped_or_404(self.model.objects.all(), actor=request.user, pk=parent_id)
            request._treebeard_parent = parent  # type: ignore[attr-defined]
            return base.filter(path__startswith=parent.path, depth=parent.depth + 1)
        request._treebeard_parent = None  # type: ignore[attr-defined]
        if is_unrestricted(request.user):
            return base.filter(depth=1)
        # The top of the actor's subtree: visible nodes whose parent is not visible.
        parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - self.model.steplen)
        parent_visible = scope(self.model.objects.filter(path=parent_path), actor=request.user)
        return base.filter(Q(depth=1) | ~Exists(parent_visible))

    def validate_move(self, node: Any, new_parent: Any) -> str | None:
        """Override to refuse a move: return the reason (shown to the user) or None."""
        return None

    def move_node(self, request: HttpRequest) -> HttpResponse:
        """Drag-and-drop moves: both nodes must be visible to the actor and, for trees scoped by
        their own path, the new parent too; ``validate_move`` may refuse the new place."""
        manager = self.model.objects
        nodes = manager.all()
        node = get_scoped_or_404(nodes, actor=request.user, pk=request.POST.get("node"))
        target = get_scoped_or_404(nodes, actor=request.user, pk=request.POST.get("target"))
        if not self.has_change_permission(request, node):
            raise PermissionDenied
        new_parent = target if request.POST.get("relation") == "child" else manager.get_parent(target)
        scoped_by_own_path = getattr(self.model, "scope_path_field", None) == "path"
        if (
            scoped_by_own_path
            and not is_unrestricted(request.user)
            and (new_parent is None or not in_scope(request.user, new_parent.path))
        ):
            raise Http404
        reason = self.validate_move(node, new_parent)
        if reason:
            messages.error(request, reason)
            return HttpResponseBadRequest(reason)
        return super().move_node(request)


class ReadOnlyAdmin(admin.ModelAdmin):
    """A back-office view of rows that only services write (events, ledgers, rollups)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
