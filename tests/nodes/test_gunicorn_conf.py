"""The repository's gunicorn.conf.py: the file gunicorn reads by default from the
directory it runs in, whose worker hook freezes what the built app holds (gc.freeze)."""

import gc
import runpy
from pathlib import Path

from gunicorn.config import Config

ROOT = Path(__file__).resolve().parents[2]


def test_gunicorn_reads_the_file_by_default_from_the_repository_root():
    assert Path(Config().settings["config"].get()).name == "gunicorn.conf.py"
    assert (ROOT / "gunicorn.conf.py").is_file()


def test_a_worker_freezes_the_objects_of_its_built_app():
    hooks = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        hooks["post_worker_init"](None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
