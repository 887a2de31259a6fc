"""Saving admin inline formsets through services instead of formset.save()."""

from __future__ import annotations

from collections.abc import Callable


def save_inline_formset(formset, *, parent, save: Callable, delete: Callable) -> None:
    """Call `save(obj)` for each new or changed row and `delete(obj)` for each deleted one.

    Fills new_objects/changed_objects/deleted_objects like BaseModelFormSet.save(),
    which the admin's change message (history) reads.
    """
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.forms:
        if formset.can_delete and formset._should_delete_form(form):
            if form.instance.pk is not None:
                delete(form.instance)
                formset.deleted_objects.append(form.instance)
            continue
        if not form.has_changed():
            continue
        is_new = form.instance.pk is None
        obj = form.save(commit=False)
        setattr(obj, formset.fk.name, parent)
        save(obj)
        if is_new:
            formset.new_objects.append(obj)
        else:
            formset.changed_objects.append((obj, form.changed_data))
