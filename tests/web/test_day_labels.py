"""The charts' day labels are kept per worker (quizapp.templating.day_label): each
language still gets its own."""

from datetime import UTC, datetime

from tests.conftest import csrf_token_from

DAY = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # the forecast's first label: 2 Dec


def test_the_forecast_labels_follow_the_language_chosen_since(app, client, auth, make_user):
    app.config["CLOCK"] = DAY
    auth.login(make_user().email)
    token = csrf_token_from(client.get("/dashboard").get_data(as_text=True))
    pages = {}
    for code in ("es", "en", "es"):
        client.post(f"/lang/{code}", data={"csrf_token": token, "next": "/dashboard"})
        pages.setdefault(code, []).append(client.get("/dashboard").get_data(as_text=True))
    assert all('<th scope="row">2 dic</th>' in page for page in pages["es"])
    assert '<th scope="row">2 Dec</th>' in pages["en"][0]
    assert '<th scope="row">2 dic</th>' not in pages["en"][0]
