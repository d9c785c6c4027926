"""``--ship-images``: a page's bytes travel with its task, for workers that cannot read its path."""

from __future__ import annotations

import pickle
import re
import shutil
from dataclasses import replace

import pytest

from pipeline.config import Config, RunConfig
from pipeline.errors import InputFileError
from pipeline.executor import run_tasks
from pipeline.model import PageSource
from pipeline.page import read_page_task
from tests.conftest import SEED_SCANS

NO_CACHE = replace(Config(), run=RunConfig(cache=False))


def shipped_bytes(source: PageSource) -> bytes | None:
    return source.data


def test_a_source_reads_its_file_only_when_shipped(tmp_path):
    page = tmp_path / "page.png"
    page.write_bytes(b"page bytes")
    assert pickle.loads(pickle.dumps(PageSource(page))).data is None
    shipped = PageSource(page, ship=True)
    assert shipped.data is None  # nothing is read until the task is sent
    assert pickle.loads(pickle.dumps(shipped)).data == b"page bytes"


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_workers_receive_the_bytes_of_shipped_pages(tmp_path, engine):
    pages = {}
    for i in range(4):
        pages[i] = tmp_path / f"page-{i}.png"
        pages[i].write_bytes(bytes([i]) * (1000 + i))
    tasks = [(i, (PageSource(p, ship=True),)) for i, p in pages.items()]
    got = {o.key: o.result for o in run_tasks(shipped_bytes, tasks, RunConfig(jobs=2, executor=engine))}
    assert got == {i: p.read_bytes() for i, p in pages.items()}


def test_a_shipped_page_is_read_without_its_file(tmp_path):
    page = tmp_path / "page-2.png"
    shutil.copy(SEED_SCANS / "page-2.png", page)
    source = pickle.loads(pickle.dumps(PageSource(page, ship=True)))
    page.unlink()  # as on a worker that does not share the scans' storage
    result = read_page_task(source, 2, NO_CACHE)
    assert result.ocr.failed is None
    assert result.ocr.image == str(page) and result.ocr.index == 2
    assert len(result.ocr.words) >= 20


def test_a_shipped_damaged_page_is_named_by_its_own_path(tmp_path):
    page = tmp_path / "page-1.png"
    page.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    source = pickle.loads(pickle.dumps(PageSource(page, ship=True)))
    page.unlink()
    with pytest.raises(InputFileError, match=re.escape(str(page))) as err:
        read_page_task(source, 1, NO_CACHE)
    assert "scanproof-page-" not in err.value.message
