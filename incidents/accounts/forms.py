"""Forms for signing in, passwords, organisations, members and tokens."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from incidents.forms import Form, choice
from incidents.security.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from incidents.security.permissions import OrganizationKind, Role

_PASSWORD_LENGTH = Length(
    min=MIN_PASSWORD_LENGTH,
    max=MAX_PASSWORD_LENGTH,
    message=f"Use between {MIN_PASSWORD_LENGTH} and {MAX_PASSWORD_LENGTH} characters.",
)

ROLE_LABELS = {
    Role.REPORTER: "Reporter",
    Role.ORG_ADMIN: "Organisation admin",
    Role.ANALYST: "Analyst",
    Role.EDITOR: "Editor",
    Role.ADMIN: "Platform admin",
}
KIND_LABELS = {
    OrganizationKind.COMPANY: "Company (reports incidents)",
    OrganizationKind.INSTITUTE: "Institute (analyses reports)",
    OrganizationKind.OPERATOR: "Operator (runs the platform)",
}


class LoginForm(Form):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        "Password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    submit = SubmitField("Sign in")


class UnlockForm(Form):
    password = PasswordField(
        "Password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    submit = SubmitField("Sign in")


class InvitationAcceptForm(Form):
    name = StringField("Your name", validators=[Optional(), Length(max=200)])
    password = PasswordField("Choose a password", validators=[DataRequired(), _PASSWORD_LENGTH])
    confirm = PasswordField(
        "Repeat the password",
        validators=[DataRequired(), EqualTo("password", message="The two entries differ.")],
    )
    submit = SubmitField("Create my account")


class InviteForm(Form):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    role = SelectField(
        "Role", choices=[choice(role.value, label) for role, label in ROLE_LABELS.items()]
    )
    submit = SubmitField("Send invitation")


class MembershipProposalForm(Form):
    make_member = BooleanField("Member of the International Network")
    submit = SubmitField("Propose (another operator admin must approve)")


class MembershipDecisionForm(Form):
    approve = SubmitField("Approve")
    reject = SubmitField("Reject")


class UserActiveForm(Form):
    is_active = BooleanField("Active (unticking ends the user's sessions and tokens)")
    submit = SubmitField("Save")


class PasswordChangeForm(Form):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField("New password", validators=[DataRequired(), _PASSWORD_LENGTH])
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("new_password", message="The two entries differ.")],
    )
    submit = SubmitField("Change password")


class OrganizationForm(Form):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    kind = SelectField(
        "Kind", choices=[choice(kind.value, label) for kind, label in KIND_LABELS.items()]
    )
    is_active = BooleanField("Active", default=True)
    submit = SubmitField("Save")


class UserForm(Form):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    name = StringField("Name", validators=[Optional(), Length(max=200)])
    organization = SelectField("Organisation", coerce=int, validate_choice=True)
    role = SelectField(
        "Role", choices=[choice(role.value, label) for role, label in ROLE_LABELS.items()]
    )
    password = PasswordField(
        "Initial password",
        description="Tell the person through another channel; they should change it.",
        validators=[DataRequired(), _PASSWORD_LENGTH],
    )
    submit = SubmitField("Create user")


class UserEditForm(Form):
    name = StringField("Name", validators=[Optional(), Length(max=200)])
    role = SelectField(
        "Role", choices=[choice(role.value, label) for role, label in ROLE_LABELS.items()]
    )
    is_active = BooleanField("Active (unticking ends the user's sessions and tokens)")
    submit = SubmitField("Save")


class TokenForm(Form):
    user = SelectField("Acts as", coerce=int, validate_choice=True)
    name = StringField(
        "Name",
        validators=[InputRequired(), Length(max=100)],
        description="What the token is for, e.g. 'incident pipeline'.",
    )
    expires_days = IntegerField(
        "Expires after (days)",
        validators=[Optional(), NumberRange(min=1, max=3650)],
        description="Leave empty for a token that does not expire.",
    )
    submit = SubmitField("Create token")
