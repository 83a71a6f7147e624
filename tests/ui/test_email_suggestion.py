"""The contact step's domain suggestion, as an officer meets it: typing ``gmial.com`` shows "Maksud
Anda …@gmail.com?" under the email field; Tab then Space (or a click) takes it and moves on to the
phone field; the first Enter on such an address stops once at the suggestion (a double Enter does
not pass it), the next keeps the address as typed; a right or unknown domain shows nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt

NIK, PHONE = "1371115708900001", "081234567890"


def at_contact_step(desk):
    desk.type(NIK)
    desk.next_step(desk.flow.contact)
    return desk.flow.contact


def test_a_near_miss_is_suggested_and_tab_space_takes_it(serving) -> None:
    desk = serving
    contact = at_contact_step(desk)
    suggestion = contact.email_suggestion
    assert not suggestion.isVisible()
    desk.type("r.sari@gmial.com")
    assert suggestion.isVisible()
    assert suggestion.question.text() == "Maksud Anda \u2026@gmail.com?"
    assert suggestion.note.text() == "Bila alamat yang diketik sudah benar, lanjutkan saja."
    assert suggestion.take_button.text() == "Ya, ganti"
    assert suggestion.take_button.toolTip() == "Ganti ke @gmail.com"
    # under the email field, above the phone field
    email_bottom = contact.email_field.mapTo(contact, contact.email_field.rect().bottomLeft()).y()
    phone_top = contact.phone_field.mapTo(contact, contact.phone_field.rect().topLeft()).y()
    assert email_bottom < suggestion.mapTo(contact, suggestion.rect().topLeft()).y() < phone_top

    desk.tab(suggestion.take_button)
    desk.press(Qt.Key.Key_Space)
    assert contact.email_field.text() == "r.sari@gmail.com"
    assert not suggestion.isVisible()
    assert desk.focused() is contact.phone_field  # the next thing to fill in
    desk.type(PHONE)
    desk.next_step(desk.flow.consent)
    assert desk.flow.draft.email == "r.sari@gmail.com"


def test_the_first_enter_stops_at_the_suggestion_and_the_next_keeps_the_address(serving) -> None:
    desk = serving
    contact = at_contact_step(desk)
    desk.type("r.sari@gmail.con")
    assert contact.email_suggestion.isVisible()
    desk.tab(contact.email_suggestion.take_button)
    desk.tab(contact.phone_field)  # past it, without looking
    desk.type(PHONE)
    desk.enter()
    assert desk.step() is contact  # stopped once: ask the citizen
    assert desk.focused() is contact.email_suggestion.take_button
    assert contact.email_suggestion.note.text() == (
        "Tanyakan warga. Tekan Ya, ganti; atau Lanjut bila yang diketik sudah benar.")
    desk.next_step(desk.flow.consent)  # the citizen says it is right: kept as typed
    assert desk.flow.draft.email == "r.sari@gmail.con"


def test_a_double_enter_does_not_pass_the_suggestion(serving) -> None:
    desk = serving
    contact = at_contact_step(desk)
    desk.type("r.sari@gmial.com")
    desk.tab(contact.email_suggestion.take_button)
    desk.tab(contact.phone_field)
    desk.type(PHONE)
    desk.settle()
    desk.press(Qt.Key.Key_Return)
    desk.press(Qt.Key.Key_Return)  # the second half of a double press
    assert desk.step() is contact and desk.flow.draft.email == ""
    desk.press(Qt.Key.Key_Space)  # on "Ya, ganti"
    assert contact.email_field.text() == "r.sari@gmail.com"
    desk.next_step(desk.flow.consent)  # a right address: no stop
    assert desk.flow.draft.email == "r.sari@gmail.com"


def test_a_changed_address_with_a_suggestion_stops_again(serving) -> None:
    desk = serving
    contact = at_contact_step(desk)
    desk.type("r.sari@gmial.com")
    desk.tab(contact.email_suggestion.take_button)
    desk.tab(contact.phone_field)
    desk.type(PHONE)
    desk.enter()
    assert desk.step() is contact
    contact.email_field.setFocus()
    desk.press(Qt.Key.Key_End)
    desk.press(Qt.Key.Key_Backspace)
    desk.type("m")  # r.sari@gmial.com again, typed anew: the note starts over
    assert contact.email_suggestion.note.text() == "Bila alamat yang diketik sudah benar, lanjutkan saja."
    desk.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    desk.type("r.sari@gmail.con")  # another near miss: asked about again
    desk.enter()
    assert desk.step() is contact
    desk.next_step(desk.flow.consent)
    assert desk.flow.draft.email == "r.sari@gmail.con"


def test_a_right_or_unknown_domain_shows_nothing_and_tab_goes_to_the_phone(serving) -> None:
    desk = serving
    contact = at_contact_step(desk)
    for email in ("r.sari@gmail.com", "r.sari@unand.ac.id", "r.sari@gmail.co", "r.sari@yahoo.co.id"):
        contact.email_field.clear()
        desk.type(email)
        assert not contact.email_suggestion.isVisible(), email
    desk.tab(contact.phone_field)


def test_the_suggestion_follows_the_field_and_a_click_clears_an_earlier_refusal(serving) -> None:
    desk = serving
    contact = at_contact_step(desk)
    desk.type("r.sari@gmail..com")  # refused by the syntax check, and one slip from gmail.com
    desk.tab(contact.email_suggestion.take_button)
    desk.tab(contact.phone_field)
    desk.type(PHONE)
    desk.enter()
    assert desk.step() is contact and contact.banner.message_text() == "Alamat email tidak sah."
    assert contact.email_field.property("invalid")
    assert contact.email_suggestion.isVisible()
    desk.qtbot.mouseClick(contact.email_suggestion.take_button, Qt.MouseButton.LeftButton)
    assert contact.email_field.text() == "r.sari@gmail.com"
    assert not contact.email_field.property("invalid") and not contact.banner.isVisible()
    desk.next_step(desk.flow.consent)

    desk.flow.go_back()  # the field keeps the taken address: nothing to suggest
    assert desk.step() is contact and not contact.email_suggestion.isVisible()
    contact.email_field.selectAll()
    contact.email_field.setFocus()
    desk.type("r.sari@yaho.com")
    assert contact.email_suggestion.question.text() == "Maksud Anda \u2026@yahoo.com?"
    for _ in range(4):  # the officer corrects it by hand
        desk.press(Qt.Key.Key_Backspace)
    desk.type("o.com")
    assert contact.email_field.text() == "r.sari@yahoo.com"
    assert not contact.email_suggestion.isVisible()
