"""`manage.py import_teryt FILE`: all or nothing, idempotent, every bad line reported."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.territory.management.commands.import_teryt import Command
from kooperacja.territory.models import County, Municipality, MunicipalityPart, Voivodeship
from kooperacja.territory.tests.conftest import TEST_VOIVODESHIP, terc, territory_snapshot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def run(path: object) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_teryt", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(path: object) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_teryt", str(path), stdout=out, stderr=err)
    return err.getvalue(), str(error.value)


def test_it_imports_every_level_of_a_good_file(write_terc):
    out, _ = run(write_terc(terc(*TEST_VOIVODESHIP)))

    assert Voivodeship.objects.get(code="90").name == "testowe"
    assert County.objects.get(code="9001").voivodeship.code == "90"
    assert dict(Municipality.objects.filter(county__code="9001").values_list("code", "kind")) == {
        "9001011": "1",
        "9001022": "2",
        "9001033": "3",
    }
    assert set(MunicipalityPart.objects.filter(municipality__code="9001033").values_list("code", "kind")) == {
        ("9001034", "4"),
        ("9001035", "5"),
    }
    assert "Voivodeships: added 1, changed 0, unchanged 0" in out
    assert "Counties (powiats): added 1, changed 0, unchanged 0" in out
    assert "Gminas: added 3, changed 0, unchanged 0" in out
    assert "Parts of gminas: added 2, changed 0, unchanged 0" in out


def test_it_adds_nothing_when_the_same_file_is_imported_again(write_terc):
    path = write_terc(terc(*TEST_VOIVODESHIP))
    run(path)
    before = territory_snapshot()

    out, _ = run(path)

    assert territory_snapshot() == before
    assert "Gminas: added 0, changed 0, unchanged 3" in out
    assert "Parts of gminas: added 0, changed 0, unchanged 2" in out


def test_it_reports_a_renamed_unit_as_changed(write_terc):
    run(write_terc(terc(*TEST_VOIVODESHIP)))
    renamed = [row.replace("Wola Próbna", "Wola Nowa") for row in TEST_VOIVODESHIP]

    out, _ = run(write_terc(terc(*renamed)))

    assert Municipality.objects.get(code="9001022").name == "Wola Nowa"
    assert "Gminas: added 0, changed 1, unchanged 2" in out


def test_it_reads_a_file_with_a_byte_order_mark(write_terc):
    run(write_terc(terc(*TEST_VOIVODESHIP), bom=True))

    assert Voivodeship.objects.filter(code="90").exists()


def test_it_accepts_windows_line_endings_and_comment_lines_before_the_header(write_terc):
    text = "# extract of the register\r\n" + terc(*TEST_VOIVODESHIP).replace("\n", "\r\n")

    run(write_terc(text))

    assert Municipality.objects.filter(code="9001033").exists()


def test_it_keeps_warsaw_districts_under_the_city_gmina(write_terc):
    run(
        write_terc(
            terc(
                "14;65;;;Warszawa;miasto na prawach powiatu;2024-01-01",
                "14;65;01;1;Warszawa;gmina miejska;2024-01-01",
                "14;65;02;8;Bemowo;dzielnica;2024-01-01",
                "14;65;03;8;Białołęka;dzielnica;2024-01-01",
            )
        )
    )

    bemowo = MunicipalityPart.objects.get(code="1465028")
    assert (bemowo.kind, bemowo.municipality.code) == ("8", "1465011")
    assert not Municipality.objects.filter(code="1465028").exists()


def test_it_keeps_delegations_of_krakow_under_the_city_gmina(write_terc):
    run(
        write_terc(
            terc(
                "12;;;;MAŁOPOLSKIE;województwo;2024-01-01",
                "12;61;;;Kraków;miasto na prawach powiatu;2024-01-01",
                "12;61;02;9;Kraków-Krowodrza;delegatura;2024-01-01",
                "12;61;01;1;Kraków;gmina miejska;2024-01-01",
            )
        )
    )

    assert MunicipalityPart.objects.get(code="1261029").municipality.code == "1261011"


def test_it_lets_a_partial_file_name_parents_already_in_the_database(write_terc):
    run(write_terc(terc("26;11;04;2;Pawłów;gmina wiejska;2024-01-01")))

    assert Municipality.objects.get(code="2611042").county.name == "starachowicki"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("90;01;04;2;Za krótki;gmina wiejska", "expected 7 columns"),
        ("90;01;04;2;Za długi;gmina wiejska;2024-01-01;x", "expected 7 columns"),
        ("9A;01;04;2;Litera;gmina wiejska;2024-01-01", "WOJ must be 2 digits"),
        ("90;1;04;2;Krótki kod;gmina wiejska;2024-01-01", "POW must be 2 digits"),
        ("90;01;004;2;Długi kod;gmina wiejska;2024-01-01", "GMI must be 2 digits"),
        ("90;01;04;22;Długi rodzaj;gmina wiejska;2024-01-01", "RODZ must be 1 digit, found “22”"),
        ("90;01;04;7;Nieznany rodzaj;gmina;2024-01-01", "unknown RODZ “7”"),
        ("90;01;04;;Bez rodzaju;gmina;2024-01-01", "needs WOJ, POW, GMI and RODZ"),
        ("90;01;04;2;;gmina wiejska;2024-01-01", "the name (NAZWA) is empty"),
        ("90;77;04;2;Sierota;gmina wiejska;2024-01-01", "its county 9077 is neither in the file"),
        ("91;01;;;sierocy;powiat;2024-01-01", "its voivodeship 91 is neither in the file"),
        ("90;01;02;4;Miasto bez gminy;miasto;2024-01-01", "needs its urban-rural gmina 9001023"),
        ("90;01;02;2;Wola Próbna;gmina wiejska;2024-01-01", "already appears on line 5"),
        ("90;01;04;2;Zła data;gmina wiejska;1.1.2024", "STAN_NA must be a date"),
    ],
)
def test_it_refuses_a_file_with_a_bad_row_and_imports_nothing(write_terc, row, reason):
    before = territory_snapshot()

    err, summary = refused(write_terc(terc(*TEST_VOIVODESHIP, row)))

    assert territory_snapshot() == before
    assert f"line {len(TEST_VOIVODESHIP) + 2}: " in err
    assert reason in err
    assert "Nothing imported: 1 line of the file is wrong" in summary


def test_it_lists_every_bad_line_by_its_number(write_terc):
    rows = [*TEST_VOIVODESHIP]
    rows.insert(1, "90;01;09;6;Zły rodzaj;gmina;2024-01-01")
    rows.append(";;;;;;")

    err, summary = refused(write_terc(terc(*rows)))

    assert err.splitlines()[0].startswith("line 3: unknown RODZ")
    assert err.splitlines()[1].startswith("line 10: ")
    assert "2 lines of the file are wrong" in summary


def test_it_refuses_a_file_without_the_terc_header(write_terc):
    err, _ = refused(write_terc(terc(*TEST_VOIVODESHIP, header="WOJ,POW,GMI,RODZ,NAZWA,NAZWA_DOD,STAN_NA")))

    assert "line 1: the first line must be the TERC header" in err
    assert not Voivodeship.objects.filter(code="90").exists()


def test_it_refuses_an_empty_file(write_terc):
    err, _ = refused(write_terc(""))

    assert "The file is empty" in err


def test_it_refuses_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "terc.csv"
    path.write_bytes(terc(*TEST_VOIVODESHIP).encode("cp1250"))

    err, _ = refused(path)

    assert "not UTF-8" in err
    assert not Voivodeship.objects.filter(code="90").exists()


def test_it_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_teryt", str(tmp_path / "missing.csv"))


def test_it_exits_with_a_non_zero_code_when_it_refuses(write_terc, capsys):
    path = write_terc(terc("90;01;;;bez województwa;powiat;2024-01-01"))

    with pytest.raises(SystemExit) as exit_:
        Command().run_from_argv(["manage.py", "import_teryt", str(path), "--skip-checks"])

    assert exit_.value.code != 0
    assert "line 2: its voivodeship 90" in capsys.readouterr().err


def test_it_records_the_import_in_the_audit_log_without_an_actor(write_terc):
    run(write_terc(terc(*TEST_VOIVODESHIP)))

    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="territory.terc").latest("id")
    assert (event.actor, event.actor_label) == (None, "")
    assert event.details["counts"]["voivodeship"] == {"added": 1, "changed": 0, "unchanged": 0}
