"""Standard classifications a reader knows without being told: a major group is made of its
minor groups, so a table giving both, or two tables of one population at the two levels, let
a reader subtract. The disclosure audit applies these to every table whose categories use the
standard labels; a period declares others under `relations:` (`hierarchy`).

Labels are those of the Department for Education's children looked after and children in need
statistics (ethnicity major and minor groups). A table whose categories use other labels is
not matched; declare its groups (docs/data-format.md, Relations).
"""

from __future__ import annotations

# Major group -> its minor groups (DfE, children looked after in England: ethnic origin).
ETHNICITY: dict[str, tuple[str, ...]] = {
    "White": ("White British", "White Irish", "Traveller of Irish heritage", "Gypsy/Roma",
              "Any other White background"),
    "Mixed": ("White and Black Caribbean", "White and Black African", "White and Asian",
              "Any other Mixed background"),
    "Asian or Asian British": ("Indian", "Pakistani", "Bangladeshi", "Any other Asian background"),
    "Black or Black British": ("Caribbean", "African", "Any other Black background"),
    "Other ethnic groups": ("Chinese", "Any other ethnic group"),
}

# Shipped classifications by name, as `invoke check` and the docs list them.
SHIPPED: dict[str, dict[str, tuple[str, ...]]] = {"dfe_ethnicity": ETHNICITY}
