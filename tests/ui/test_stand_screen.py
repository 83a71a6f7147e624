"""The stand of the day, as an officer fills it in the morning: the cursor starts in the place
field, where a scanned or typed NIK once became "Tempat layanan hari ini: 1371115708900009" on
home, on every record and on every slip. A place name with a long run of digits is refused."""

from __future__ import annotations

from PySide6.QtCore import Qt

NIK = "1371115708900009"
KELURAHAN, PLACE = "Lubuk Buaya", "Kantor Lurah Lubuk Buaya"


def at_stand(make_desk):
    desk = make_desk(demo_video=False)
    desk.create_supervisor()
    desk.sign_in()
    assert desk.page is desk.window.stand_screen
    return desk


def test_a_nik_in_the_place_field_is_refused_and_the_next_keys_replace_it(make_desk) -> None:
    desk = at_stand(make_desk)
    stand = desk.window.stand_screen
    assert desk.focused() is stand.place_field
    desk.type(NIK)  # a keyboard-wedge scanner: the digits, then Enter
    desk.enter()
    assert desk.page is stand
    assert stand.banner.kind() == "error"
    assert stand.banner.message_text() == ("Nama tempat layanan berisi deretan angka, seperti NIK atau nomor "
                                           "telepon.")
    assert "Kantor Lurah Lubuk Buaya" in stand.banner.next_step_text()
    assert desk.store.stand_for(desk.store.clock().date()) is None  # nothing remembered
    assert desk.focused() is stand.place_field
    desk.type(PLACE)  # the refused digits were selected: typing replaces them
    assert stand.place_field.text() == PLACE
    desk.enter()
    assert desk.page is desk.window.home_screen
    shown = desk.window.home_screen.stand_label.text()
    assert shown == f"Tempat layanan hari ini: {PLACE}, Kel. {stand.kelurahan_box.currentText()}"


def test_a_place_with_a_short_number_is_accepted(make_desk) -> None:
    desk = at_stand(make_desk)
    desk.choose_stand(KELURAHAN, "Posyandu RW 03 Jl. Adinegoro 1234567")  # 7 digits: a street number
    stored = desk.store.stand_for(desk.store.clock().date())
    assert stored.place_name == "Posyandu RW 03 Jl. Adinegoro 1234567"


def test_digits_with_spaces_from_the_ktp_are_refused_too(make_desk) -> None:
    desk = at_stand(make_desk)
    stand = desk.window.stand_screen
    desk.type("Kantor 13711157 08900009")
    desk.press(Qt.Key.Key_Return)
    assert desk.page is stand and stand.banner.kind() == "error"
