"""Images and formulas, in a real browser: an instructor uploads a picture into a
question's prompt (with its description) from the editor's media panel and writes a
formula in the explanation; a learner sees the picture (served through the access check)
in the quiz and, with the formula as MathML, in the results. axe is clean on each page."""

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import INSTRUCTOR_EMAIL, INSTRUCTOR_PASSWORD, LEARNER_PASSWORD
from tests.e2e.steps import load_course_folder, log_in, register
from tests.media_files import png

# A course of its own, so the other journeys' counts of lessons and questions stay true.
COURSE_MD = """# Curso de figuras

## Clase 1 Fórmulas y figuras

Una lección con una figura y una fórmula.
"""
COURSE = "curso-figuras"
LESSON = "clase-1-formulas-y-figuras"
ALT = "Diagrama de una petición HTTP"


def load_course(server, tmp_path) -> None:
    load_course_folder(server, tmp_path / COURSE, {"course.md": COURSE_MD}, INSTRUCTOR_EMAIL)


def write_question_with_a_picture(page: Page, tmp_path, check_a11y) -> None:
    picture = tmp_path / "peticion.png"
    picture.write_bytes(png((120, 80), (30, 90, 160)))
    questions = f"/instructor/courses/{COURSE}/lessons/{LESSON}/questions"
    page.goto(questions)
    page.locator('a[href$="questions/new?type=single_choice"]').click()
    page.locator("#id").fill("figuras-peticion")
    page.locator("#prompt").fill("¿Qué muestra la figura?")
    check_a11y(page, "question editor with the media panel")

    # The media panel: the file, its description, where it goes.
    panel = page.locator("[data-media-upload]")
    panel.locator("#media-file").set_input_files(str(picture))
    panel.locator("#media-alt").fill(ALT)
    panel.locator("#media-target").select_option("prompt")
    panel.locator("button[type=submit]").click()
    expect(panel.locator("[data-media-status]")).to_contain_text("](media:")
    expect(page.locator("#prompt")).to_have_value(
        re.compile(r"¿Qué muestra la figura\? !\[" + ALT + r"\]\(media:[0-9a-f]{64}\.png\)$")
    )
    # The live preview shows the picture itself.
    page.locator("[data-preview-source=prompt]").click()
    expect(page.locator(f'#prompt-preview img[alt="{ALT}"]')).to_be_visible()

    page.locator("#choices-0-text").fill("Una petición HTTP")
    page.locator("#choices-0-correct").check()
    page.locator("#choices-1-text").fill("Una base de datos")
    page.locator("#explanation").fill("Como la energía, $E=mc^2$, la respuesta viaja en HTTP.")
    page.locator("form #submit").click()
    page.wait_for_url(re.compile(re.escape(questions) + "$"))
    expect(page.locator(".alert-success")).to_be_visible()


def expect_picture_loaded(page: Page) -> None:
    picture = page.locator(f'main img[alt="{ALT}"]')
    expect(picture).to_be_visible()
    assert re.fullmatch(r"/media/[0-9a-f]{64}\.png", picture.get_attribute("src"))
    # Decoded by the browser: the media route answered with the image.
    assert picture.evaluate("img => img.complete && img.naturalWidth") == 120


def test_an_instructor_adds_a_picture_and_a_formula_and_a_learner_sees_both(
    server, new_page, tmp_path, check_a11y, findings
):
    load_course(server, tmp_path)
    instructor = new_page(locale="es-ES")
    log_in(instructor, INSTRUCTOR_EMAIL, INSTRUCTOR_PASSWORD)
    write_question_with_a_picture(instructor, tmp_path, check_a11y)
    instructor.close()

    learner = new_page(locale="es-ES")
    register(learner, "learner-figuras@example.org", "Learner Figuras", LEARNER_PASSWORD)
    # "Take the quiz" is a POST on the lesson page: opening pages never starts an attempt.
    learner.goto(f"/courses/{COURSE}/{LESSON}")
    learner.locator("aside form").get_by_role("button").click()
    learner.wait_for_url(re.compile(r"/quiz$"))
    expect_picture_loaded(learner)
    check_a11y(learner, "quiz with a picture")
    learner.get_by_label("Una petición HTTP").check()
    learner.locator("form.quiz-form #submit").click()
    learner.wait_for_url(re.compile(r"/attempts/\d+$"))

    expect_picture_loaded(learner)
    formula = learner.locator(".explanation math")
    expect(formula).to_be_visible()
    assert formula.locator("msup").count() == 1
    assert formula.text_content().replace(" ", "").startswith("E=mc2")
    check_a11y(learner, "results with a picture and a formula")
    findings.assert_none()
