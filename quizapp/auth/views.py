"""Register, log in, log out and the account page."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from quizapp import clock
from quizapp.auth.forms import (
    ApiTokenForm,
    LoginForm,
    LogoutEverywhereForm,
    LogoutForm,
    PasswordChangeForm,
    RegisterForm,
    RevokeTokenForm,
)
from quizapp.auth.limits import login_budget
from quizapp.database import reading_first
from quizapp.extensions import db, limiter
from quizapp.security import safe_next_path
from quizapp.services import accounts

bp = Blueprint("auth", __name__)


def show_account_error(form, error: accounts.AccountError) -> None:
    """Puts the service's (English msgid) problems, translated, under the field at fault."""
    getattr(form, error.field).errors.extend(
        _(message, **params) for message, params in error.problems
    )


def fresh_session() -> None:
    """Drops everything in the session but the chosen language, which is no secret."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def _register_limit() -> str:
    return current_app.config["REGISTER_RATE_LIMIT"]


@bp.route("/auth/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
def register():
    """A new email and a taken one get the same answer: the login page and one message
    (the app sends no mail, so it cannot tell the owner privately). A new learner then
    logs in with the password just chosen; a taken email's account is left untouched."""
    if current_user.is_authenticated:
        return redirect(url_for("learn.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            accounts.register_learner(
                db.session,
                form.email.data,
                form.password.data,
                display_name=form.display_name.data or "",
            )
        except accounts.AccountError as error:
            show_account_error(form, error)
        else:
            db.session.commit()
            session["login_email"] = accounts.normalise_email(form.email.data)
            flash(
                _(
                    "Thank you. Log in now with this email and the password you chose. If the "
                    "email already had an account, nothing changed: use that account's password."
                ),
                "info",
            )
            return redirect(url_for("auth.login"))
    return render_template("auth/register.html", form=form)


@bp.route("/auth/login", methods=["GET", "POST"])
@login_budget(lambda: request.form.get("email"))
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        form.email.data = session.pop("login_email", None)  # just registered
    if form.validate_on_submit():
        with reading_first():
            user = accounts.authenticate(db.session, form.email.data, form.password.data)
            db.session.commit()  # ends the read (and keeps a password hash it upgraded)
        if user is None:
            # One message for an unknown email and a wrong password: no account probing.
            flash(_("Wrong email or password."), "danger")
        else:
            fresh_session()  # a fresh session at login defeats session fixation
            login_user(user, remember=form.remember.data)
            flash(_("You are logged in."), "success")
            return redirect(safe_next_path(form.next.data) or url_for("learn.home"))
    return render_template("auth/login.html", form=form)


@bp.route("/auth/logout", methods=["GET", "POST"])
def logout():
    form = LogoutForm()
    if request.method == "POST" and form.validate_on_submit():
        if current_user.is_authenticated:
            # Ends this session and every remember cookie issued before now.
            accounts.end_all_sessions(current_user)
            db.session.commit()
        logout_user()
        fresh_session()
        flash(_("You are logged out."), "info")
        return redirect(url_for("learn.home"))
    return render_template("auth/logout.html", form=form)


@bp.route("/account")
@login_required
def account():
    return render_template("auth/account.html", **_token_section())


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                db.session,
                current_user,
                form.current_password.data,
                form.new_password.data,
                clock.now(),
            )
        except accounts.AccountError as error:
            show_account_error(form, error)
        else:
            db.session.commit()
            # Every other session and remember cookie is void now; keep this one going.
            fresh_session()
            login_user(current_user._get_current_object())
            flash(
                _(
                    "Your password is changed; other sessions are logged out and your API "
                    "tokens are revoked."
                ),
                "success",
            )
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", **_token_section(password_form=form)), 400


@bp.route("/account/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    if not LogoutEverywhereForm().validate_on_submit():
        abort(400)
    accounts.log_out_everywhere(db.session, current_user, clock.now())
    db.session.commit()
    logout_user()
    fresh_session()
    flash(_("You are logged out everywhere, and your API tokens are revoked."), "info")
    return redirect(url_for("learn.home"))


# --- API tokens on the account page (issue 7) ------------------------------------------------
# Creating shows the token once, in the response itself: it is never put in the session
# cookie (signed, not encrypted) nor stored anywhere but as its SHA-256.


def _token_section(**extra):
    return {
        "api_tokens": accounts.list_api_tokens(db.session, current_user),
        "token_form": extra.pop("token_form", None) or ApiTokenForm(formdata=None),
        "password_form": extra.pop("password_form", None) or PasswordChangeForm(formdata=None),
        **extra,
    }


@bp.route("/account/tokens", methods=["POST"])
@login_required
def create_api_token():
    form = ApiTokenForm()
    if not form.validate_on_submit():
        return render_template("auth/account.html", **_token_section(token_form=form))
    token = accounts.issue_api_token(
        db.session, current_user, (form.name.data or "").strip() or "API"
    )
    db.session.commit()
    page = render_template("auth/account.html", **_token_section(new_token=token))
    return page, 200, {"Cache-Control": "no-store"}


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_api_token(token_id: int):
    if not RevokeTokenForm().validate_on_submit():
        abort(400)
    if token_id > 2**31 - 1 or not accounts.revoke_api_token(
        db.session, current_user, token_id, clock.now()
    ):
        abort(404)
    db.session.commit()
    flash(_("The token is revoked: it no longer works."), "success")
    return redirect(url_for("auth.account"))
