"""A small built-in corpus of Soviet official-correspondence sentences, each with its English.

Sentences are templates with slots for dates, numbers and names, so that a few dozen templates give
any number of different documents. A filled sentence remembers its slot values in both languages;
that is what lets the generator plant mismatches between the original and the translation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

MONTHS_GEN = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
              "октября", "ноября", "декабря")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")

#: Surnames in -ов/-ев/-ин (regular case endings) with their English transliteration.
SURNAMES = (
    ("Петров", "Petrov"), ("Соколов", "Sokolov"), ("Кузнецов", "Kuznetsov"), ("Морозов", "Morozov"),
    ("Волков", "Volkov"), ("Лебедев", "Lebedev"), ("Козлов", "Kozlov"), ("Новиков", "Novikov"),
    ("Зайцев", "Zaytsev"), ("Павлов", "Pavlov"), ("Семенов", "Semenov"), ("Голубев", "Golubev"),
    ("Виноградов", "Vinogradov"), ("Богданов", "Bogdanov"), ("Воробьев", "Vorobyev"), ("Федоров", "Fedorov"),
    ("Михайлов", "Mikhaylov"), ("Беляев", "Belyayev"), ("Тарасов", "Tarasov"), ("Белов", "Belov"),
    ("Комаров", "Komarov"), ("Орлов", "Orlov"), ("Киселев", "Kiselev"), ("Макаров", "Makarov"),
    ("Андреев", "Andreyev"), ("Ковалев", "Kovalev"), ("Ильин", "Ilyin"), ("Гусев", "Gusev"),
    ("Титов", "Titov"), ("Кудрявцев", "Kudryavtsev"), ("Баранов", "Baranov"), ("Куликов", "Kulikov"),
    ("Тимофеев", "Timofeyev"), ("Степанов", "Stepanov"), ("Яковлев", "Yakovlev"), ("Сорокин", "Sorokin"),
    ("Сергеев", "Sergeyev"), ("Романов", "Romanov"), ("Захаров", "Zakharov"), ("Борисов", "Borisov"),
)
INITIALS = (("А", "A"), ("Б", "B"), ("В", "V"), ("Г", "G"), ("Д", "D"), ("Е", "Ye"), ("И", "I"), ("К", "K"),
            ("Л", "L"), ("М", "M"), ("Н", "N"), ("П", "P"), ("Р", "R"), ("С", "S"), ("Т", "T"), ("Ф", "F"))
_CASE_ENDING = {"nom": "", "gen": "а", "dat": "у", "ins": "ым"}
CITIES = (("Москва", "Москвы", "Moscow"), ("Белград", "Белграда", "Belgrade"), ("Прага", "Праги", "Prague"),
          ("Варшава", "Варшавы", "Warsaw"), ("Берлин", "Берлина", "Berlin"), ("Пекин", "Пекина", "Beijing"),
          ("Ханой", "Ханоя", "Hanoi"), ("София", "Софии", "Sofia"), ("Будапешт", "Будапешта", "Budapest"))
#: Host countries as an ambassador's title names them ("ПОСОЛ СССР В …").
COUNTRIES = (("МНР", "the MPR"), ("ЧССР", "the CSSR"), ("ПНР", "the PPR"),
             ("ГДР", "the GDR"), ("КНР", "the PRC"), ("ДРВ", "the DRV"), ("НРБ", "the PRB"),
             ("ВНР", "the HPR"))
UNITS = (("тонн", "tons"), ("станков", "machine tools"), ("специалистов", "specialists"),
         ("тракторов", "tractors"), ("комплектов оборудования", "sets of equipment"),
         ("стипендий", "scholarships"), ("экземпляров", "copies"))

# Each template: Russian, English. Slots: {date}, {name:CASE}, {num}, {unit}, {no}, {city:CASE}.
TEMPLATES: tuple[tuple[str, str], ...] = (
    ("{date} состоялась беседа с {name:ins} по вопросам двустороннего сотрудничества.",
     "On {date} a conversation took place with {name} on questions of bilateral cooperation."),
    ("В ходе беседы {name:nom} сообщил, что правительство рассмотрело наши предложения.",
     "During the conversation {name} reported that the government had considered our proposals."),
    ("По его словам, до конца года будет поставлено {num} {unit}.",
     "According to him, {num} {unit} will be delivered by the end of the year."),
    ("Я ответил, что этот вопрос будет доложен в Москву в ближайшее время.",
     "I replied that this question would be reported to Moscow in the near future."),
    ("Собеседник просил передать благодарность советским товарищам за оказанную помощь.",
     "The interlocutor asked that gratitude be passed on to the Soviet comrades for the assistance "
     "rendered."),
    ("Согласно письму № {no}, отправка груза намечена на {date}.",
     "According to letter No. {no}, the shipment of the cargo is scheduled for {date}."),
    ("{name:nom} заявил, что в {city:loc} ожидают прибытия делегации {date}.",
     "{name} stated that the delegation is expected to arrive in {city} on {date}."),
    ("Мною было обращено внимание собеседника на задержку с выполнением соглашения от {date}.",
     "I drew the interlocutor's attention to the delay in fulfilling the agreement of {date}."),
    ("Министерство уже выделило {num} {unit} для нужд строительства.",
     "The ministry has already allocated {num} {unit} for the needs of construction."),
    ("Беседа проходила в дружественной и откровенной обстановке.",
     "The conversation took place in a friendly and frank atmosphere."),
    ("На беседе присутствовал советник посольства {name:nom}.",
     "Embassy Counselor {name} was present at the conversation."),
    ("Он выразил надежду, что переговоры в {city:loc} завершатся успешно.",
     "He expressed the hope that the negotiations in {city} would conclude successfully."),
    ("По мнению собеседника, положение в стране остается сложным.",
     "In the interlocutor's opinion, the situation in the country remains difficult."),
    ("Было условлено вернуться к этому вопросу после возвращения {name:gen} из {city:gen}.",
     "It was agreed to return to this question after {name} returns from {city}."),
    ("Товарищ {name:nom} подчеркнул, что руководство придает этому делу большое значение.",
     "Comrade {name} emphasized that the leadership attaches great importance to this matter."),
    ("В течение {num} дней комиссия изучала состояние предприятий.",
     "For {num} days the commission studied the condition of the enterprises."),
    ("Затем он коротко рассказал о работе министерства за последние месяцы.",
     "Then he spoke briefly about the work of the ministry over the last months."),
    ("Я поблагодарил собеседника за информацию и обещал сообщить о ней в Центр.",
     "I thanked the interlocutor for the information and promised to report it to the Center."),
    ("Копия записи направлена {name:dat} для сведения.",
     "A copy of the record was sent to {name} for information."),
    ("Ответ на ноту № {no} пока не получен.",
     "A reply to note No. {no} has not yet been received."),
    ("Срок пребывания специалистов продлен до {date}.",
     "The term of stay of the specialists has been extended until {date}."),
    ("Собеседник отметил, что в прошлом году было подготовлено {num} {unit}.",
     "The interlocutor noted that {num} {unit} were prepared last year."),
    ("В заключение {name:nom} пригласил меня посетить строительство нового завода.",
     "In conclusion {name} invited me to visit the construction of the new plant."),
    ("Он сказал, что не может дать окончательного ответа без согласования с руководством.",
     "He said that he could not give a final answer without coordination with the leadership."),
    ("Вопрос о торговом соглашении обсуждался на заседании {date}.",
     "The question of the trade agreement was discussed at a meeting on {date}."),
    ("Мы договорились встретиться снова в начале следующего месяца.",
     "We agreed to meet again at the beginning of next month."),
    ("Поручение № {no} выполнено полностью.",
     "Instruction No. {no} has been carried out in full."),
    ("Представитель министерства {name:nom} передал список из {num} {unit}.",
     "Ministry representative {name} handed over a list of {num} {unit}."),
    ("С нашей стороны было сказано, что советская сторона готова рассмотреть эту просьбу.",
     "On our side it was said that the Soviet side was ready to consider this request."),
    ("Собеседник несколько раз возвращался к вопросу о поставках нефти.",
     "The interlocutor returned several times to the question of oil deliveries."),
    ("По сведениям {name:gen}, совещание в {city:loc} перенесено на {date}.",
     "According to {name}, the conference in {city} has been postponed to {date}."),
    ("Прошу Ваших указаний по существу поставленных вопросов.",
     "I request your instructions on the substance of the questions raised."),
    ("Он добавил, что печать будет подробно освещать ход визита.",
     "He added that the press would cover the course of the visit in detail."),
    ("Было достигнуто согласие о направлении в {city:acc} группы из {num} {unit}.",
     "Agreement was reached on sending a group of {num} {unit} to {city}."),
    ("Я сообщил собеседнику, что его просьба передана {name:dat}.",
     "I informed the interlocutor that his request had been passed to {name}."),
)


@dataclass(frozen=True)
class Slot:
    """One filled slot: what kind of value, its Russian and its English form."""

    kind: str  # "date" | "number" | "name"
    ru: str
    en: str


@dataclass(frozen=True)
class Sentence:
    ru: str
    en: str
    slots: tuple[Slot, ...]


def random_date(rng: np.random.Generator, years: tuple[int, int] = (1955, 1975)) -> tuple[int, int, int]:
    """A (day, month, year) in ``years`` (inclusive); days stop at 28 so every month has them."""
    return int(rng.integers(1, 29)), int(rng.integers(1, 13)), int(rng.integers(years[0], years[1] + 1))


def date_ru(day: int, month: int, year: int) -> str:
    return f"{day} {MONTHS_GEN[month - 1]} {year} года"


def date_en(day: int, month: int, year: int) -> str:
    return f"{day} {MONTHS_EN[month - 1]} {year}"


def random_name(rng: np.random.Generator) -> tuple[str, str, str]:
    """(initials, surname, English form) of a random person."""
    a, b = rng.choice(len(INITIALS), 2, replace=False)
    surname, en = SURNAMES[int(rng.integers(len(SURNAMES)))]
    initials = f"{INITIALS[a][0]}.{INITIALS[b][0]}."
    return initials, surname, f"{INITIALS[a][1]}. {INITIALS[b][1]}. {en}"


_SLOT = re.compile(r"\{(\w+)(?::(\w+))?\}")


def sentence(rng: np.random.Generator, year: int, template: int | None = None) -> Sentence:
    """A corpus sentence (``template``, or a random one) with its slots filled at random.

    Dates fall in ``year`` or the year before.
    """
    ru_t, en_t = TEMPLATES[int(rng.integers(len(TEMPLATES))) if template is None else template]
    initials, surname, name_en = random_name(rng)
    d = random_date(rng, (year - 1, year))
    city = CITIES[int(rng.integers(len(CITIES)))]
    num = str(_counted(int(rng.choice([rng.integers(5, 30), rng.integers(30, 400), rng.integers(400, 5000)])),
                       rng))
    unit = UNITS[int(rng.integers(len(UNITS)))]
    no = str(int(rng.integers(11, 999)))
    values = {
        "date": (date_ru(*d), date_en(*d), "date"),
        "num": (num, num, "number"),
        "no": (no, no, "number"),
        "unit": (unit[0], unit[1], ""),
    }
    slots: list[Slot] = []

    def fill_ru(m: re.Match) -> str:
        key, case = m.group(1), m.group(2)
        if key == "name":
            value = f"{initials}{surname}{_CASE_ENDING[case or 'nom']}"
            slots.append(Slot("name", value, name_en))
            return value
        if key == "city":
            return city_case(city, case or "nom")
        ru, en, kind = values[key]
        if kind:
            slots.append(Slot(kind, ru, en))
        return ru

    def fill_en(m: re.Match) -> str:
        key = m.group(1)
        if key == "name":
            return name_en
        if key == "city":
            return city[2]
        return values[key][1]

    ru = _SLOT.sub(fill_ru, ru_t)
    return Sentence(ru[0].upper() + ru[1:], _SLOT.sub(fill_en, en_t), tuple(slots))


def _counted(n: int, rng: np.random.Generator) -> int:
    """``n`` nudged so that the noun after it takes the genitive plural (5 тонн, 12 тонн, 40 тонн).

    Russian says 1 тонна, 2–4 тонны: the templates' nouns are genitive plural, so numbers ending in
    1–4 (but not 11–14) get another last digit.
    """
    if n % 10 in (1, 2, 3, 4) and n % 100 not in (11, 12, 13, 14):
        return n - n % 10 + int(rng.choice([0, 5, 6, 7, 8, 9]))
    return n


def city_case(city: tuple[str, str, str], case: str) -> str:
    """The Russian city name of ``CITIES`` in ``case`` (``nom``, ``gen``, ``loc`` after "в", ``acc``)."""
    nom = city[0]
    if case == "gen":
        return city[1]
    if case == "loc":  # в Москве, в Берлине, в Софии, в Ханое
        if nom.endswith("ия"):
            return nom[:-1] + "и"
        return (nom[:-1] if nom.endswith(("а", "я", "й")) else nom) + "е"
    if case == "acc":  # в Москву, в Берлин
        return nom[:-1] + "у" if nom.endswith("а") else nom[:-1] + "ю" if nom.endswith("я") else nom
    return nom
