"""The forms of the search page: keep a search under a name, delete a kept one."""

from __future__ import annotations

from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from incidents.forms import Form
from incidents.searching.services import MAX_NAME, MAX_QUERY


class SaveSearchForm(Form):
    name = StringField("Name", validators=[DataRequired(), Length(max=MAX_NAME)])
    query = HiddenField("Query", validators=[Length(max=MAX_QUERY)])


class DeleteSearchForm(Form):
    pass
