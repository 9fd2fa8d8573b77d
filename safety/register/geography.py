"""The districts of Zhambyl region (KATO codes) and the industry divisions (OKED) used by the register."""

from __future__ import annotations

from dataclasses import dataclass

REGION_KATO = "310000000"


@dataclass(frozen=True)
class District:
    """A district (or city of regional status) of Zhambyl region."""

    kato: str
    ru: str
    kk: str
    en: str

    def name(self, lang: str) -> str:
        """Return the district's name in the language."""
        return getattr(self, lang, self.ru)


DISTRICTS: tuple[District, ...] = (
    District("311000000", "г. Тараз", "Тараз қаласы", "Taraz city"),
    District("313600000", "Байзакский район", "Байзақ ауданы", "Baizak district"),
    District("314000000", "Жамбылский район", "Жамбыл ауданы", "Zhambyl district"),
    District("314200000", "Жуалынский район", "Жуалы ауданы", "Zhualy district"),
    District("314800000", "Кордайский район", "Қордай ауданы", "Korday district"),
    District("315000000", "район Т. Рыскулова", "Т. Рысқұлов ауданы", "T. Ryskulov district"),
    District("315400000", "Меркенский район", "Меркі ауданы", "Merke district"),
    District("315600000", "Мойынкумский район", "Мойынқұм ауданы", "Moiynkum district"),
    District("316000000", "Сарысуский район", "Сарысу ауданы", "Sarysu district"),
    District("316200000", "Таласский район", "Талас ауданы", "Talas district"),
    District("316600000", "Шуский район", "Шу ауданы", "Shu district"),
)
DISTRICTS_BY_KATO = {d.kato: d for d in DISTRICTS}


def district_for(value: object) -> District | None:
    """Find a district by KATO code or by its name in any language (case-insensitive)."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text in DISTRICTS_BY_KATO:
        return DISTRICTS_BY_KATO[text]
    folded = text.casefold()
    for district in DISTRICTS:
        if folded in {district.ru.casefold(), district.kk.casefold(), district.en.casefold()}:
            return district
    return None


@dataclass(frozen=True)
class Division:
    """An OKED division (the first two digits of a code), the level the dashboards group by."""

    code: str
    ru: str
    kk: str
    en: str

    def name(self, lang: str) -> str:
        """Return the division's name in the language."""
        return getattr(self, lang, self.ru)


# The divisions of the region's industries; other codes are accepted and shown by their number.
DIVISIONS: tuple[Division, ...] = (
    Division("01", "Сельское хозяйство", "Ауыл шаруашылығы", "Agriculture"),
    Division("06", "Добыча нефти и газа", "Мұнай мен газ өндіру", "Oil and gas extraction"),
    Division("08", "Прочая горнодобывающая промышленность", "Өзге де тау-кен өндірісі", "Other mining and quarrying"),
    Division("10", "Производство продуктов питания", "Тамақ өнімдерін өндіру", "Food products"),
    Division("20", "Химическая промышленность", "Химия өнеркәсібі", "Chemicals"),
    Division(
        "23",
        "Производство прочей неметаллической минеральной продукции",
        "Өзге де бейметалл минералды өнімдер өндірісі",
        "Non-metallic mineral products",
    ),
    Division("24", "Металлургическая промышленность", "Металлургия өнеркәсібі", "Basic metals"),
    Division(
        "35",
        "Электроснабжение, подача газа, пара",
        "Электрмен, газбен, бумен жабдықтау",
        "Electricity, gas and steam supply",
    ),
    Division(
        "36", "Сбор, обработка и распределение воды", "Суды жинау, өңдеу және тарату", "Water collection and supply"
    ),
    Division("41", "Строительство зданий", "Ғимараттар салу", "Construction of buildings"),
    Division("42", "Гражданское строительство", "Азаматтық құрылыс", "Civil engineering"),
    Division(
        "43", "Специализированные строительные работы", "Мамандандырылған құрылыс жұмыстары", "Specialised construction"
    ),
    Division("49", "Сухопутный и трубопроводный транспорт", "Құрлық және құбыр көлігі", "Land and pipeline transport"),
    Division(
        "52",
        "Складское хозяйство и вспомогательная транспортная деятельность",
        "Қойма шаруашылығы және көліктің қосалқы қызметі",
        "Warehousing and transport support",
    ),
)
DIVISIONS_BY_CODE = {d.code: d for d in DIVISIONS}


def division_name(oked: str, lang: str) -> str:
    """Return the name of the OKED division an enterprise's code belongs to."""
    division = DIVISIONS_BY_CODE.get(oked[:2])
    return division.name(lang) if division else oked[:2]
