"""Every parameter of the model, with unit, range, default and source.

Grouped by the part of the model that reads it. "Assumption" in a source means no public
figure was found and the value is a documented modelling choice, calibrated where the source
says so (`python -m experiments.calibration` prints the calibration figures). Levers
(`lever=True`) are the policy knobs that the UI shows as sliders; the rest are assumptions a
researcher can vary in sensitivity runs.
"""

from model.params import Param, Value

_ENTRIES: list[Param] = []


def _add(name, default, kind, unit, group, source, doc, label_nl="", **kw) -> None:
    _ENTRIES.append(Param(name, default, kind, unit, group, source, doc, label_nl, **kw))


# --- run ------------------------------------------------------------------------------------
_add("start_year", 2024, int, "year", "run", "Vision: start state 2024",
     "Calendar year of the start state.", "Startjaar", low=2024, high=2024)
_add("scale", 1.0, float, "fraction", "run", "Model choice",
     "Fraction of the real city simulated: 0.1 builds a tenth of every buurt's dwellings and "
     "households (for teaching and quick looks). Counts in the output are those of the "
     "scaled city; shares and indices are comparable across scales.",
     "Schaal", low=0.02, high=1.0)
_add("market_rounds", 3, int, "rounds", "market", "Model choice",
     "Rounds of the housing market per year; losers of a round retry on what is left, and "
     "dwellings freed by movers enter the next round (vacancy chains).",
     "Marktronden", low=1, high=10)
_add("choice_set_size", 20, int, "dwellings", "market",
     "Model choice (UrbanSim samples 30-100 alternatives; 20 keeps a year fast)",
     "Vacant dwellings each searching household considers per round, drawn at random (with "
     "replacement) from all vacancies; the ones a rule closes to it count as unavailable.",
     "Keuzeset", low=5, high=200)

# --- synthesis of the 2024 start state -----------------------------------------------------
_add("start_class_shares", (0.41, 0.23, 0.13, 0.08, 0.15), "vector", "share of households",
     "synthesis", "Vision Table 1 (CBS microdata 2024, income 2021)",
     "City-wide shares of the five income classes at the start.", "Inkomensverdeling 2024",
     low=0.0, high=1.0, length=5, vector_sum=1.0)
_add("corp_middle_share", 0.04, float, "share of corporation stock", "synthesis",
     "Assumption: corporations' non-DAEB (middle-rent) stock is small; performance agreements "
     "ask for more", "Share of corporation dwellings let above the liberalisation limit.",
     "Aandeel middenhuur corporaties", low=0.0, high=0.3)
_add("corp_rent_median", 610.0, float, "EUR/month", "synthesis",
     "Assumption near Aedes/CBS mean corporation rents 2024 (about 600-650)",
     "Median monthly rent of corporation social dwellings.", "Mediane corporatiehuur",
     low=400.0, high=879.0)
_add("corp_rent_sigma", 0.15, float, "log-sd", "synthesis", "Assumption",
     "Spread of corporation social rents (log standard deviation).", low=0.0, high=0.5)
_add("private_rent_median", 760.0, float, "EUR/month", "synthesis",
     "Assumption, calibrated: about 70% of Heerlen's private rent below the liberalisation "
     "limit (vision: much cheap private rent)",
     "Median monthly rent of private rental dwellings, scaled per buurt by its WOZ.",
     "Mediane particuliere huur", low=400.0, high=1500.0)
_add("private_rent_sigma", 0.28, float, "log-sd", "synthesis", "Assumption",
     "Spread of private rents (log standard deviation).", low=0.0, high=0.8)
_add("woz_index_2019_2024", 1.57, float, "ratio", "synthesis",
     "Assumption from CBS WOZ series: Heerlen mean about 135k (2019) to about 212k (2024)",
     "Growth of WOZ values from the KWB 2019 buurt means to 2024.", low=1.0, high=2.5)
_add("owner_woz_premium", 1.15, float, "ratio", "synthesis",
     "Assumption: owner-occupied homes are valued above the buurt mean of all dwellings",
     "Owner-occupied WOZ relative to the buurt mean WOZ.", low=0.8, high=2.0)
_add("owner_woz_sigma", 0.35, float, "log-sd", "synthesis",
     "Assumption, calibrated: about three quarters of owner-occupied homes in the two lowest "
     "price classes (vision, Figure 2)", "Spread of owner-occupied WOZ values within a buurt.",
     low=0.05, high=1.0)
_add("vacancy_weight_private", 2.5, float, "relative odds", "synthesis",
     "Assumption: vacancy concentrates in private rent (vision: above-average vacancy)",
     "How much likelier a private rental stands vacant than a corporation or owner dwelling.",
     low=0.1, high=10.0)
_PRIOR_SOURCE = ("Assumption from national patterns (SCP 2018 'Wonen'; WoON): social rent "
                 "is increasingly a low-income tenure, owners are mainly middle and high "
                 "incomes. Raked to Table 1 and the CBS buurt indicators at synthesis.")
for _seg, _prior in {
    "corp_social": (0.62, 0.25, 0.07, 0.03, 0.03),
    "corp_middle": (0.10, 0.30, 0.35, 0.15, 0.10),
    "private_cheap": (0.58, 0.24, 0.09, 0.05, 0.04),
    "private_free": (0.20, 0.25, 0.22, 0.13, 0.20),
    "own_1": (0.25, 0.27, 0.18, 0.11, 0.19),
    "own_2": (0.12, 0.20, 0.18, 0.14, 0.36),
    "own_3": (0.06, 0.12, 0.14, 0.14, 0.54),
    "own_4": (0.03, 0.07, 0.10, 0.10, 0.70),
}.items():
    _add(f"prior_classes_{_seg}", _prior, "vector", "share of occupants", "synthesis",
         _PRIOR_SOURCE, f"Prior income-class mix of the occupants of {_seg} dwellings, before "
         "raking to the city totals and buurt indicators.", low=0.0, high=1.0, length=5,
         vector_sum=1.0)
_add("income_indicator_strength", 1.0, float, "exponent", "synthesis", "Model choice",
     "How strongly the CBS buurt income indicators (low-income, bottom-40%, top-20% shares) "
     "tilt the income mix of each buurt when households are placed.", low=0.0, high=3.0)
_add("vulnerable_per_bijstand", 0.8, float, "households per person", "synthesis",
     "Assumption: most social-assistance recipients head one-person households",
     "Vulnerable households per social-assistance (bijstand) recipient in a buurt.",
     low=0.0, high=2.0)
_add("vulnerable_per_youth_care", 0.25, float, "households per client", "synthesis",
     "Assumption", "Vulnerable households per youth-care client (not already on bijstand).",
     low=0.0, high=1.0)
_add("vulnerable_per_wmo", 0.05, float, "households per client", "synthesis", "Assumption",
     "Vulnerable households per Wmo care client.", low=0.0, high=1.0)

# --- demography ----------------------------------------------------------------------------
_add("mortality_scale", 1.0, float, "multiplier", "demography",
     "Gompertz fit to Dutch life tables (CBS 2023): about 0.9% at 65, 2.4% at 75, 6.4% at 85",
     "Multiplies the yearly death probability of every adult.", low=0.2, high=3.0)
_add("to_care_rate_80plus", 0.02, float, "per year", "demography", "Assumption",
     "Yearly probability that a single person aged 80+ leaves for a care home.",
     low=0.0, high=0.2)
_add("income_drift_young", 0.035, float, "log per year", "demography",
     "Assumption (career growth, CBS income by age)",
     "Yearly real income growth of heads under 35.", low=-0.05, high=0.1)
_add("income_drift_mid", 0.01, float, "log per year", "demography", "Assumption",
     "Yearly real income growth of heads aged 35-49.", low=-0.05, high=0.1)
_add("income_shock_sd", 0.04, float, "log-sd per year", "demography",
     "Assumption (yearly income mobility, CBS income panel); small, because income changes "
     "in place mix neighbourhoods without anyone moving",
     "Spread of yearly income changes: lets households climb and fall between classes.",
     low=0.0, high=0.5)
_add("job_loss_rate", 0.015, float, "per year", "demography", "Assumption",
     "Yearly probability of a large income fall (job loss, illness) for heads under 67.",
     low=0.0, high=0.2)
_add("retirement_income_ratio", 0.75, float, "ratio", "demography",
     "Assumption (AOW + pension against earned income)",
     "Income after retirement at 67 relative to before.", low=0.3, high=1.2)
_add("leave_home_rate", 0.08, float, "per household per year", "demography",
     "Assumption (CBS household forecast: children leave home around 21-24); with "
     "partnering_rate calibrated so household size stays near 1.85-1.9 (vision: 1.9)",
     "Yearly probability that a household with children and a head aged 42 or older sees a "
     "child leave home (children's ages are not tracked).",
     low=0.0, high=0.5)
_add("separation_rate", 0.012, float, "per couple per year", "demography",
     "CBS 2022: 7 divorces per 1,000 marriages, more for cohabiters; Heerlen highest",
     "Yearly probability that a couple separates into two households.", low=0.0, high=0.1)
_add("partnering_rate", 0.08, float, "per single per year", "demography", "Assumption",
     "Yearly probability that a single aged 20-49 moves in with a partner living in the city.",
     low=0.0, high=0.3)
_add("birth_rate", 0.11, float, "per couple per year", "demography",
     "Calibrated to about 600-650 births a year (CBS: Heerlen about 670 a year)",
     "Yearly probability that a couple with a head aged 22-42 has a child.", low=0.0, high=0.3)

# --- move intentions -----------------------------------------------------------------------
_add("move_hazard_by_age", (0.25, 0.14, 0.08, 0.052, 0.04, 0.035, 0.05), "vector",
     "per year", "intentions",
     "CBS moving rates by age 2017 (Statistische Trends 2020, table 1), scaled to a yearly "
     "moving rate of 7-8% of households",
     "Yearly base probability of wanting to move, for heads aged <25, 25-34, 35-44, 45-54, "
     "55-64, 65-74, 75+.", low=0.0, high=1.0, length=7)
_add("move_multiplier_private_rent", 1.6, float, "multiplier", "intentions",
     "WoON: private tenants move most often", "Extra mobility of private tenants.",
     low=0.2, high=5.0)
_add("move_multiplier_owner", 0.6, float, "multiplier", "intentions",
     "WoON: owner-occupiers move least", "Mobility of owner-occupiers relative to tenants.",
     low=0.1, high=2.0)
_add("move_multiplier_misfit_up", 2.5, float, "multiplier", "intentions",
     "NPHLN: households whose income rises leave dwellings that no longer fit",
     "Extra mobility of households whose income class is above their dwelling's segment.",
     low=1.0, high=10.0)
_add("move_multiplier_unaffordable", 2.0, float, "multiplier", "intentions", "Assumption",
     "Extra mobility of households paying more than 40% of income on housing.",
     low=1.0, high=10.0)
_add("move_multiplier_crowded", 2.0, float, "multiplier", "intentions", "Assumption",
     "Extra mobility of households with more persons than rooms.", low=1.0, high=10.0)
_add("move_multiplier_liveability", 0.4, float, "per liveability sd", "intentions",
     "Assumption (Leefbarometer studies: low liveability drives moves out)",
     "Extra mobility per standard deviation of liveability below the index's reference (0, "
     "about the city mean), for "
     "households not in the lowest class.", low=0.0, high=3.0)

# --- the market: utilities of the discrete choice -------------------------------------------
_add("beta_fit", 1.2, float, "utility", "market", "Assumption",
     "Utility of a dwelling whose segment fits the household's income class.",
     low=0.0, high=5.0)
_add("beta_cost", 6.0, float, "utility per share of income", "market", "Assumption",
     "Disutility per unit of housing cost share above 25% of income.", low=0.0, high=30.0)
_add("beta_crowding", 0.8, float, "utility per missing room", "market", "Assumption",
     "Disutility per person above the number of rooms.", low=0.0, high=5.0)
_add("beta_family_house", 0.6, float, "utility", "market", "Assumption",
     "Utility of a single-family house for a household with children.", low=0.0, high=5.0)
_add("beta_liveability", 1.0, float, "utility per sd", "market",
     "Assumption (Leefbarometer gedragsmodel: liveability priced in moves)",
     "Utility per standard deviation of buurt liveability, for the middle and high classes "
     "(half of it for the low classes).", low=0.0, high=5.0)
_add("beta_status", 4.0, float, "utility", "market",
     "Assumption (income homophily), calibrated so that segregation does not fall without "
     "policy (the vision's sorting machine)",
     "Utility of the buurt's share of high-income households minus its share of low-income "
     "ones, weighted by the household's class: 0 for the two low classes, 1/3 middle, 2/3 "
     "high_afford, 1 high.",
     low=0.0, high=10.0)
_add("beta_distance", 0.15, float, "utility per km", "market",
     "Assumption (moves are short: CBS/PBL)", "Disutility per km from the current buurt.",
     low=0.0, high=2.0)
_add("stay_bonus", 0.8, float, "utility", "market", "Assumption (moving costs, attachment)",
     "Utility of staying put that a voluntary mover weighs against the best dwelling found.",
     low=0.0, high=5.0)
_add("outside_option", (0.2, 0.4, 1.5, 2.0, 2.4), "vector", "utility", "market",
     "Assumption, calibrated to net out-migration of middle and high incomes (vision 2.1)",
     "Utility of leaving Heerlen for each income class: the fitting supply elsewhere in "
     "Parkstad and the Netherlands.", low=-5.0, high=5.0, length=5)
_add("outside_option_young_bonus", 0.4, float, "utility", "market",
     "CBS: moves between municipalities peak at 20-30", "Extra pull of leaving for heads under 30.",
     low=0.0, high=5.0)
_add("mortgage_income_multiple", 4.5, float, "x income", "market",
     "Nibud/Dutch lending norms (own knowledge, about 4.5x income)",
     "Highest WOZ a household can buy, as a multiple of gross income (owners add equity).",
     low=2.0, high=8.0)
_add("owner_cost_rate", 0.045, float, "share of WOZ per year", "market",
     "Assumption (mortgage interest, maintenance and taxes as a yearly user cost)",
     "Yearly cost of owning a home as a share of its value, to compare with rent.",
     low=0.01, high=0.15)
_add("owner_equity_share", 0.4, float, "share of WOZ", "market", "Assumption",
     "Share of an owner's current home value it can put into its next purchase.",
     low=0.0, high=1.0)
_add("landlord_income_multiple", 2.0, float, "x monthly rent", "market",
     "Assumption (private landlords ask 3-4x rent; Heerlen's cheap segment, with housing "
     "benefit, is lenient)",
     "Lowest gross monthly income a private landlord accepts, as a multiple of the rent.",
     low=0.0, high=5.0)
_add("daeb_free_share", 0.075, float, "share of lettings", "market",
     "Aedes 2024: at most 7.5% of social lettings to households above the DAEB limit",
     "Share of corporation social lettings that may go to households above the DAEB limit.",
     "Vrije toewijzingsruimte", low=0.0, high=0.15, lever=True)

# --- migration -----------------------------------------------------------------------------
_add("household_change_2050", -3795.0, float, "households", "migration",
     "Vision Table 3: base scenario (official forecast + migration trend for 10 years)",
     "Change in the number of households from 2024 to 2050 that migration steers toward: "
     "in-migration fills the gap between the households left after demography and out-"
     "migration and a straight path to this target (read when household_change_basis = "
     "'households').", "Huishoudensgroei 2024-2050",
     low=-20000.0, high=30000.0, lever=True)
_add("leave_region_rate", 0.069, float, "per household per year", "migration",
     "Fitted (sorteermachine calibrate --fit) to the churn of Heerlen-Noord: about "
     "3,200 persons a year moving in from outside Heerlen and about as many leaving "
     "(Nationaal Programma Heerlen-Noord, start report: 32,000 in ten years); age profile "
     "after CBS moves between municipalities by age",
     "Yearly probability that a household whose head is 25-34 leaves the region for reasons "
     "outside the housing market (a job, study or partner elsewhere); other ages follow a "
     "fixed profile (model/phases/migration.py). Leavers free their dwellings before the "
     "market, and the scenario's path then draws more newcomers: this sets how fast the "
     "city's population turns over.", "Vertrek uit de regio",
     low=0.0, high=0.2)
_add("household_change_basis", "households", str, "mode", "migration",
     "Model choice: Table 3 gives households; a share carries a scenario to another city",
     "Which of the two household changes a run reads: 'households' reads "
     "household_change_2050 (a number of households in the real city, scaled with `scale`: "
     "the vision's Table 3); 'share' reads household_change_2050_share (a fraction of the "
     "start's households), so one scenario file fits any city. The one not read must stay at "
     "its default, so a scenario file cannot say two things.",
     "Huishoudensgroei als", choices=("households", "share"))
_add("household_change_2050_share", 0.0, float, "share of start households", "migration",
     "Model choice (Heerlen's Table 3 base scenario is -3,795 / 45,374 = -0.084)",
     "Change in the number of households from the start to 2050 as a fraction of the start's "
     "households; read only when household_change_basis = 'share'.",
     "Huishoudensgroei 2024-2050 (aandeel)", low=-0.9, high=2.0)
_add("inflow_class_shares", (0.55, 0.20, 0.10, 0.06, 0.09), "vector", "share of in-movers",
     "migration",
     "NPHLN 2021: 38% of adult in-movers low-income (CBS definition) against 12.5% of "
     "residents; mapped onto Table 1 classes", "Income classes of households moving in.",
     low=0.0, high=1.0, length=5, vector_sum=1.0)
_add("inflow_vulnerable_share", 0.18, float, "share of in-movers", "migration",
     "NPHLN 2021: 18% of adult in-movers on social assistance",
     "Share of all in-moving households that are vulnerable (priority groups); they are "
     "drawn among the in-movers of the lowest class.", "Aandeel kwetsbare instromers",
     low=0.0, high=1.0, lever=True)
_add("inflow_origin_shares", (0.40, 0.40, 0.20), "vector", "share of in-movers", "migration",
     "Assumption (CBS migration by origin; NPHLN: 34% of bijstand in-movers from outside "
     "Limburg)", "Origins of in-movers: rest of Parkstad, rest of the Netherlands, abroad.",
     low=0.0, high=1.0, length=3, vector_sum=1.0)

# --- liveability ---------------------------------------------------------------------------
_add("liveability_weight_low_income", 2.0, float, "sd per share", "liveability",
     "Leefbarometer 3.0 dimension 'bewoners' (assumption on strength)",
     "Liveability lost per unit share of low_pt households above the city mean.",
     low=0.0, high=10.0)
_add("liveability_weight_vulnerable", 4.0, float, "sd per share", "liveability",
     "Leefbarometer 'overlast en onveiligheid' (assumption on strength)",
     "Liveability lost per unit share of vulnerable households above the city mean.",
     low=0.0, high=20.0)
_add("liveability_weight_turnover", 3.0, float, "sd per share", "liveability",
     "NPHLN: high turnover erodes cohesion (assumption on strength)",
     "Liveability lost per unit share of households that moved in during the last two years, "
     "above the mean.",
     low=0.0, high=20.0)
_add("liveability_weight_vacancy", 3.0, float, "sd per share", "liveability", "Assumption",
     "Liveability lost per unit vacancy rate above the city mean.", low=0.0, high=20.0)
_add("liveability_adjustment", 0.3, float, "share per year", "liveability", "Assumption",
     "How fast liveability moves toward what composition, turnover and vacancy imply.",
     low=0.0, high=1.0)

# --- prices (model/phases/prices.py) ----------------------------------------------------------
_PRICE_SOURCE = ("Assumption (no Heerlen estimate found): strength set so prices respond "
                 "visibly but within the bounds; only directions are tested (docs/ODD.md "
                 "7.5a)")
_add("price_adjustment", 0.3, float, "share of the gap per year", "prices",
     "Assumption: WOZ values follow sales with a lag of a few years",
     "How far each buurt's price index moves toward its target in a year.",
     "Aanpassing prijzen", low=0.0, high=1.0)
_add("price_vacancy_effect", 2.0, float, "ln price per unit vacancy rate", "prices",
     _PRICE_SOURCE, "How much the target price falls per unit rise of the vacancy rate since "
     "the start (2.0: ten points more vacant, about 18% lower).",
     "Prijseffect leegstand", low=0.0, high=10.0)
_add("price_status_effect", 0.5, float, "ln price per unit status", "prices", _PRICE_SOURCE,
     "How much the target price rises per unit rise of buurt status (share of high minus "
     "share of low incomes) since the start.", "Prijseffect status", low=0.0, high=5.0)
_add("price_liveability_effect", 0.05, float, "ln price per liveability sd", "prices",
     _PRICE_SOURCE, "How much the target price rises per standard deviation of liveability "
     "gained since the start.", "Prijseffect leefbaarheid", low=0.0, high=0.5)
_add("price_pressure_effect", 0.03, float, "ln price per ln bids per letting", "prices",
     "Assumption: competition between buyers and tenants lifts prices where it is keenest",
     "How much the target price rises where a letting of a market-priced dwelling draws more "
     "bids than in the city as a whole (log ratio).", "Prijseffect vraagdruk",
     low=0.0, high=0.3)
_add("price_max_change", 0.05, float, "ln price per year", "prices",
     "Assumption: yearly real WOZ changes per area rarely exceed 5% outside booms",
     "Largest change of a buurt's price index in one year, up or down.",
     "Max. prijsverandering per jaar", low=0.0, high=0.2)
_add("price_index_min", 0.6, float, "ratio to the start", "prices", "Model choice (bound)",
     "Lowest a buurt's price index may fall, relative to the start.", low=0.2, high=1.0)
_add("price_index_max", 1.6, float, "ratio to the start", "prices", "Model choice (bound)",
     "Highest a buurt's price index may rise, relative to the start.", low=1.0, high=5.0)
_add("free_rent_price_elasticity", 0.5, float, "elasticity", "prices",
     "Assumption: rents move less than prices (user cost shifts part of the change)",
     "How free-sector asking rents (private, above the liberalisation limit) follow the "
     "buurt's price index: rent x index change ^ elasticity.", low=0.0, high=1.5)
_add("regulated_rent_real_growth", 0.0, float, "per year", "prices",
     "POLICY_RULES 1.1: regulated rents rise each year by about inflation (middle rent at "
     "most CAO wages + 1%); in 2024 euros that is about 0",
     "Real yearly change of regulated rents (corporation social and middle rent, private "
     "rent up to the liberalisation limit), for sitting tenants too, within each segment's "
     "ceiling.", "Reële huurstijging gereguleerd", low=-0.03, high=0.03)

# --- construction (growth needs dwellings) --------------------------------------------------
_add("construction", "none", str, "mode", "construction",
     "Vision 2.2.2 (build mainly middle and high segments)",
     "'none': no new dwellings; 'demand': each year build what last year's unmet demand asked "
     "for, plus enough to keep 2% of the stock vacant, in the segments that fit the in-movers' "
     "income classes; each new dwelling's buurt is drawn with odds proportional to its stock.",
     "Nieuwbouw", choices=("none", "demand"), lever=True)
_add("construction_max_per_year", 1500, int, "dwellings per year", "construction",
     "Assumption (Heerlen: at least 7,000 dwellings 'in the coming years')",
     "Most dwellings built in one year in 'demand' mode.", "Max. nieuwbouw per jaar",
     low=0, high=5000, lever=True)

_add("construction_min_vacancy", 0.02, float, "share of dwellings", "construction",
     "Assumption: a market needs some vacancy to work (frictional vacancy, about 2%)",
     "In 'demand' mode, build enough to keep at least this share of the stock vacant.",
     "Minimale leegstand", low=0.0, high=0.2, label_en="Minimum vacancy", lever=True)
_add("new_rent", (650.0, 1_000.0, 800.0, 1_050.0, 0.0, 0.0, 0.0, 0.0), "vector", "EUR/month",
     "construction",
     "Assumption: new corporation rent near the aftoppingsgrens, new middle rent within the "
     "Wet betaalbare huur band (POLICY_RULES 1.1); owner-occupied homes have no rent",
     "Monthly rent of a new dwelling per segment (corp_social, corp_middle, private_cheap, "
     "private_free, own_1..own_4), 2024 euros.", "Huur nieuwbouw", low=0.0, high=3000.0,
     length=8, label_en="New-build rent")
_add("new_woz", (200e3, 220e3, 190e3, 240e3, 180e3, 260e3, 350e3, 460e3), "vector", "EUR",
     "construction",
     "Assumption: new homes priced inside their segment's WOZ class (own_1..own_4: below "
     "200k, 200-300k, 300-390k, above 390k)",
     "WOZ value of a new dwelling per segment, 2024 euros (for owner-occupied homes the "
     "price in the mortgage test).", "WOZ nieuwbouw", low=50e3, high=2e6, length=8,
     label_en="New-build WOZ value")

REGISTER: dict[str, Param] = {p.name: p for p in _ENTRIES}
assert len(REGISTER) == len(_ENTRIES), "duplicate parameter name"


# --- parameters read only when another has a given value ------------------------------------
# Such a parameter must stay at its default otherwise, so a scenario file cannot say two
# things (make_params() refuses it). The batch runner and the app read this table to vary a
# parameter together with the value that makes it count.
READ_ONLY_WITH: dict[str, dict[str, Value]] = {
    "household_change_2050": {"household_change_basis": "households"},
    "household_change_2050_share": {"household_change_basis": "share"},
}


def unread_values(values) -> str | None:
    """A message for the first parameter in `values` that differs from its default although
    the run does not read it (READ_ONLY_WITH), or None."""
    for name, needs in READ_ONLY_WITH.items():
        if values[name] == REGISTER[name].default:
            continue
        for other, wanted in needs.items():
            if values[other] != wanted:
                return (f"'{name}' = {values[name]!r} is given, but {other} = "
                        f"{values[other]!r}, so it would not be read; set {other} = "
                        f"{wanted!r} to use it, or leave '{name}' out")
    return None
