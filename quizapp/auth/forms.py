"""Forms of the auth area: they validate input only; views call the account services."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from quizapp.forms_base import QuizAppForm
from quizapp.services.accounts import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH


class LoginForm(QuizAppForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField(_l("Remember me"))
    next = HiddenField()
    submit = SubmitField(_l("Log in"))


class RegisterForm(QuizAppForm):
    display_name = StringField(_l("Name"), validators=[Length(max=80)])
    email = EmailField(
        _l("Email"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)]
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(min=PASSWORD_MIN_LENGTH, max=PASSWORD_MAX_LENGTH)],
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Create account"))


class PasswordChangeForm(QuizAppForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=1024)]
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=PASSWORD_MIN_LENGTH, max=PASSWORD_MAX_LENGTH)],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))


class LogoutForm(QuizAppForm):
    submit = SubmitField(_l("Log out"))


class LogoutEverywhereForm(QuizAppForm):
    submit = SubmitField(_l("Log out everywhere"))


# --- API tokens (the account page) -----------------------------------------------------------


class ApiTokenForm(QuizAppForm):
    name = StringField(
        _l("Token name"),
        validators=[Length(max=80)],
        description=_l("To recognise it later, e.g. the script or device that uses it."),
    )
    submit = SubmitField(_l("Create a token"))


class RevokeTokenForm(QuizAppForm):
    submit = SubmitField(_l("Revoke"))
