"""The one source of settings: every section checks its values when it is made."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from pipeline.config import (
    Config,
    IngestConfig,
    OcrConfig,
    PreprocessConfig,
    ReportConfig,
    RunConfig,
    TranscriptConfig,
)
from pipeline.errors import BadArgumentsError, ExitCode
from tests.conftest import SEED_TRANSCRIPT, scanproof


def test_the_defaults_are_valid():
    Config()


@pytest.mark.parametrize(("make", "named"), [
    (lambda: PreprocessConfig(binarize="sauvolla"), "PreprocessConfig.binarize: unknown value 'sauvolla'"),
    (lambda: PreprocessConfig(extra_binarizations=("otsu", "niblack")), "PreprocessConfig.extra_binarizations"),
    (lambda: ReportConfig(image_format="png"), "ReportConfig.image_format"),
    (lambda: ReportConfig(image_quality=0), "ReportConfig.image_quality"),
    (lambda: ReportConfig(exports=("alto", "pdf")), "ReportConfig.exports: unknown value 'pdf'"),
    (lambda: RunConfig(executor="threads"), "RunConfig.executor"),
    (lambda: RunConfig(jobs=-1), "RunConfig.jobs"),
    (lambda: OcrConfig(timeout_s=math.nan), "OcrConfig.timeout_s"),
    (lambda: OcrConfig(element_timeout_s=0), "OcrConfig.element_timeout_s"),
    (lambda: OcrConfig(psm=14), "OcrConfig.psm"),
    (lambda: IngestConfig(max_pixels=0), "IngestConfig.max_pixels"),
    (lambda: replace(Config().divergence, low_score=0.9), "low_score ≤ medium_score ≤ high_score"),
    (lambda: replace(Config().markup, text_match_min=60), "MarkupConfig.text_match_min"),
    (lambda: replace(Config().align, page_confidence_quantile=-0.1), "AlignConfig.page_confidence_quantile"),
    (lambda: replace(Config().layout, read_dpi=0), "LayoutConfig.read_dpi"),
    (lambda: replace(Config().checks, name_min=1.5), "ChecksConfig.name_min"),
    (lambda: TranscriptConfig(encoding="utf-9"), "unknown text encoding 'utf-9'"),
    # ``replace`` makes a new section, checked as well.
    (lambda: replace(Config().report, image_format="gif"), "ReportConfig.image_format"),
])
def test_an_impossible_setting_is_refused_when_the_section_is_made(make, named):
    with pytest.raises(BadArgumentsError) as err:
        make()
    assert named in err.value.message and "\n" not in err.value.message


def test_an_element_is_never_given_more_time_than_its_page():
    assert OcrConfig(timeout_s=300, element_timeout_s=30).element_limit_s == 30
    assert OcrConfig(timeout_s=5, element_timeout_s=30).element_limit_s == 5


def test_an_unknown_export_on_the_command_line_is_one_line_exit_1(tmp_path):
    done = scanproof("verify", "--transcript", str(SEED_TRANSCRIPT), str(tmp_path), "--out", str(tmp_path / "o"),
                     "--export", "alto,pdf")
    assert done.returncode == ExitCode.bad_args
    assert done.stderr.count("\n") == 1 and "unknown value 'pdf'" in done.stderr, done.stderr
    assert not (tmp_path / "o").exists()
