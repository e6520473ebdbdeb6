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
     "Calendar year of the start state. 2024: the city data folder's own tables; an earlier "
     "year: that year's rows of the folder's history (history.csv), where it has a complete "
     "start state (Heerlen: 2016-2018).", "Startjaar", low=2000, high=2024)
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
     "price classes (vision, Figure 2)",
     "Spread of dwelling WOZ values within a buurt (all tenures; it sets the owner-occupied "
     "price classes).",
     low=0.05, high=1.0)
_add("vacancy_weight_private", 2.5, float, "relative odds", "synthesis",
     "Assumption: vacancy concentrates in private rent (vision: above-average vacancy)",
     "How much likelier a private rental stands vacant than a corporation or owner dwelling.",
     low=0.1, high=10.0)
_add("frictional_vacancy", 0.01, float, "share of a buurt's dwellings", "synthesis",
     "KWB 'onbewoond' counts every dwelling without registered residents, also those under "
     "renovation, awaiting sale or demolition, second homes and unregistered occupancy. The "
     "part that is on the market at a time is turnover x the time between two occupants: "
     "about 10% a year x about a month = about 1%. Confirmed by the hindcast 2016-2019: with "
     "every vacant dwelling on the market (1), the error of household change per wijk is "
     "twice persistence's; at 0.01 the model beats persistence (docs/ODD.md 1.4)",
     "Vacancy on the market at the start, per buurt: vacant dwellings beyond this share of "
     "the buurt's stock are structural vacancy, never offered on the market (they stay "
     "vacant, as CBS's vacancy per buurt does from year to year). 1 puts every vacant "
     "dwelling on the market.",
     "Frictieleegstand", low=0.0, high=1.0)
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
     "Yearly probability that a childless single aged 20-49 pairs up with another single "
     "in the city (one of the two moves in with the other).",
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
     "WoON: owner-occupiers move least",
     "Mobility of owner-occupiers relative to corporation tenants.",
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
_add("beta_liveability", 0.5, float, "utility per sd", "market",
     "Assumption (Leefbarometer gedragsmodel: liveability priced in moves); set to 0.5 (was "
     "1) by the hindcast 2016-2019, where households at 1 drift too fast toward the "
     "liveable buurten (docs/ODD.md 1.4)",
     "Utility per standard deviation of buurt liveability, for the middle and high classes "
     "(half of it for the low classes).", low=0.0, high=5.0)
_add("beta_status", 4.0, float, "utility", "market",
     "Assumption (income homophily), calibrated so that segregation does not fall without "
     "policy (the vision's sorting machine)",
     "Utility of buurt status (share of high-income households minus share of low-income "
     "ones, half the buurt's and half its wijk's), weighted by the household's class: 0 for "
     "the two low classes, 1/3 middle, 2/3 high_afford, 1 high.",
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
_add("daeb_free_share", 0.075, float, "share of lettings", "daeb_free_share",
     "Aedes 2024: at most 7.5% of social lettings to households above the DAEB limit",
     "Share of corporation social lettings that may go to households above the DAEB limit.",
     "Vrije toewijzingsruimte", low=0.0, high=0.15, lever=True,
     label_en="Free allocation share")

# --- migration -----------------------------------------------------------------------------
_add("household_change_2050", -3795.0, float, "households", "migration",
     "Vision Table 3: base scenario (official forecast + migration trend for 10 years)",
     "Change in the number of households from the start year to 2050 that migration "
     "steers toward: "
     "in-migration fills the gap between the households left after demography and out-"
     "migration and a straight path to this target (read when household_change_basis = "
     "'households').", "Huishoudensgroei 2024-2050",
     low=-20000.0, high=30000.0)
_add("leave_region_rate", 0.068, float, "per household per year", "migration",
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
     low=0.0, high=1.0)
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
     _PRICE_SOURCE, "How much the target price falls per unit rise of the vacancy rate (half "
     "the buurt's, half its wijk's) since the first year's market (2.0: ten points more "
     "vacant, about 18% lower).",
     "Prijseffect leegstand", low=0.0, high=10.0)
_add("price_status_effect", 0.5, float, "ln price per unit status", "prices", _PRICE_SOURCE,
     "How much the target price rises per unit rise of buurt status (share of high minus "
     "share of low incomes, half the buurt's and half its wijk's) since the start.",
     "Prijseffect status", low=0.0, high=5.0)
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
     "for, plus enough to keep construction_min_vacancy of the stock vacant and on the "
     "market, in the segments that fit the in-movers' "
     "income classes; each new dwelling's buurt is drawn with odds proportional to its stock.",
     "Nieuwbouw naar vraag", choices=("none", "demand"), lever=True,
     label_en="Construction to demand")
_add("construction_max_per_year", 1500, int, "dwellings per year", "construction",
     "Assumption (Heerlen: at least 7,000 dwellings 'in the coming years')",
     "Most dwellings built in one year in 'demand' mode (for the real city; scaled with "
     "scale).", "Max. nieuwbouw per jaar",
     low=0, high=5000, lever=True, label_en="Most construction per year")

_add("construction_min_vacancy", 0.02, float, "share of dwellings", "construction",
     "Assumption: a market needs some vacancy to work (frictional vacancy, about 2%)",
     "In 'demand' mode, build enough to keep at least this share of the stock vacant.",
     "Minimale leegstand", low=0.0, high=0.2, label_en="Minimum vacancy", lever=True)
_add("new_rent", (650.0, 1_000.0, 800.0, 1_050.0, 0.0, 0.0, 0.0, 0.0), "vector", "EUR/month",
     "construction",
     "Assumption: new corporation rent near the aftoppingsgrens, new middle rent within the "
     "Wet betaalbare huur band (POLICY_RULES 1.1); owner-occupied homes have no rent",
     "Monthly rent of a new dwelling per segment (corp_social, corp_middle, private_cheap, "
     "private_free, own_1..own_4; owner-occupied homes have none, so those four are not "
     "used), 2024 euros; also the rent levers set when they turn a dwelling into a segment "
     "(transformation, private upgrade, corporation middle rent).", "Huur nieuwbouw",
     low=0.0, high=3000.0, length=8, label_en="New-build rent")
_add("new_woz", (200e3, 220e3, 190e3, 240e3, 180e3, 260e3, 350e3, 460e3), "vector", "EUR",
     "construction",
     "Assumption: new homes priced inside their segment's WOZ class (own_1..own_4: below "
     "200k, 200-300k, 300-390k, above 390k)",
     "WOZ value of a new dwelling per segment, 2024 euros (for owner-occupied homes the "
     "price in the mortgage test).", "WOZ nieuwbouw", low=50e3, high=2e6, length=8,
     label_en="New-build WOZ value")


# --- levers of the Woonfundament (model/levers/; group = the lever's name) -----------------
# Every lever has a schedule: <lever>_start and <lever>_end (the first and last year it
# acts; inclusive), and a yearly amount or a target. Amounts of dwellings are for the real
# city and scale with `scale`. Sources: ../shared/brief/WOONFUNDAMENT.md ("The levers") and
# POLICY_RULES.md (sections named in each entry).
_VISION = "Vision 'Nieuw Heerlens Woonfundament' (2024)"


def _schedule(lever, label_nl, label_en, start=2025, end=2050, source=_VISION):
    _add(f"{lever}_start", start, int, "year", lever, source,
         f"First year the {label_en.lower()} lever acts (the start year, 2024, means from the "
         "first simulated year, 2025, which then also does 2024's yearly amount).",
         f"{label_nl}: startjaar",
         low=2024, high=2050, lever=True, label_en=f"{label_en}: first year")
    _add(f"{lever}_end", end, int, "year", lever, source,
         f"Last year the {label_en.lower()} lever acts (inclusive).", f"{label_nl}: eindjaar",
         low=2024, high=2050, lever=True, label_en=f"{label_en}: last year")


# bandwidth
_add("bandwidth", False, bool, "on/off", "bandwidth", f"{_VISION}: lever 1, 'Balans'",
     "Steer every wijk's corporation share into the band by the last year: in wijken above "
     "it, corporation dwellings are sold or demolished; in wijken below "
     "it, corporations build or buy private rentals; the city share is held at its target.",
     "Bandbreedte corporatiebezit", lever=True, label_en="Corporation-share band")
_schedule("bandwidth", "Bandbreedte", "Band")
_add("bandwidth_low", 0.21, float, "share of dwellings", "bandwidth",
     f"{_VISION}: 15 points under the city's 36%", "Lowest corporation share of a wijk.",
     "Ondergrens bandbreedte", low=0.0, high=1.0, lever=True, label_en="Band: lowest share")
_add("bandwidth_high", 0.51, float, "share of dwellings", "bandwidth",
     f"{_VISION}: 15 points above the city's 36%", "Highest corporation share of a wijk.",
     "Bovengrens bandbreedte", low=0.0, high=1.0, lever=True, label_en="Band: highest share")
_add("bandwidth_city_share", 0.36, float, "share of dwellings", "bandwidth",
     f"{_VISION}: the corporation share of the whole stock stays 36%",
     "Corporation share of the whole city that the band lever holds.",
     "Corporatieaandeel stad", low=0.0, high=1.0, lever=True, label_en="City corporation share")
_add("bandwidth_demolish_share", 0.2, float, "share of removals", "bandwidth",
     "Assumption: most of the reduction by sale (uitponden, liberalisation), some by demolition",
     "Share of the corporation dwellings taken out of a wijk above the band that are "
     "demolished (tenants displaced); the rest are sold: vacant ones to owner-occupiers, "
     "let ones to private landlords with the tenant staying.", "Aandeel sloop", low=0.0,
     high=1.0, lever=True, label_en="Share demolished")
_add("bandwidth_build_share", 0.25, float, "share of additions", "bandwidth",
     "Assumption: corporations build new and buy existing private rentals (inponden, "
     "Vrieheide 2022, POLICY_RULES 3.2)",
     "Share of the corporation dwellings added to a wijk below the band that are built new; "
     "the rest are private rentals bought by corporations (the tenant stays).",
     "Aandeel nieuwbouw", low=0.0, high=1.0, lever=True, label_en="Share built new")
_add("bandwidth_max_per_year", 1500, int, "dwellings per year", "bandwidth",
     "Assumption (capacity of the corporations)",
     "Most corporation dwellings the band lever takes out of wijken in one year (for the "
     "real city; additions are not capped).", "Max. per jaar", low=0, high=10000, lever=True,
     label_en="Most per year")

# construction programme
_add("programme_per_year", (0.0,) * 8, "vector", "dwellings per year", "programme",
     "Vision 2.2.2 and POLICY_RULES 1.2: Heerlen 'at least 7,000 dwellings in the coming "
     "years', mainly middle and high segments",
     "Dwellings added per year per segment (corp_social, corp_middle, private_cheap, "
     "private_free, own_1..own_4), whatever the demand; all zero = no programme.",
     "Bouwprogramma per jaar", low=0.0, high=3000.0, length=8, lever=True,
     label_en="Construction programme per year")
_schedule("programme", "Bouwprogramma", "Programme")
_add("programme_location", "missing_segments", str, "rule", "programme",
     f"{_VISION}: 'add middle and high segments where they are under-represented'",
     "Where the programme builds: 'missing_segments' puts each segment in the buurten where "
     "its share is lowest (filling the gap to the city share); 'market' builds where the "
     "segment already is (where developers sell).", "Locatiekeuze", lever=True,
     choices=("missing_segments", "market"), label_en="Location rule")
_add("programme_transformation_share", 0.0, float, "share of rented programme", "programme",
     f"{_VISION}: lever 2, 'transformation and use of vacant buildings'",
     "Share of the programme's rented dwellings made by transforming vacant private "
     "rentals (in the buurten with the most vacancy) instead of building new.",
     "Aandeel transformatie", low=0.0, high=1.0, lever=True, label_en="Share by transformation")
_add("programme_zero_step_share", 0.0, float, "share of new flats", "programme",
     f"{_VISION}: lever 2, 'no-regret life-course-proof apartments'",
     "Share of the programme's rented flats built zero-step (nultredenwoning), which heads "
     "aged 65+ prefer (beta_zero_step).", "Aandeel nultredenwoningen", low=0.0, high=1.0,
     lever=True, label_en="Share zero-step")
_add("beta_zero_step", 0.8, float, "utility", "market", "Assumption (WoON: older households "
     "seek homes without stairs)", "Utility of a zero-step dwelling for a head aged 65+.",
     low=0.0, high=5.0)

# demolition and replacement
_add("demolition", False, bool, "on/off", "demolition",
     f"{_VISION}: restructuring; Parkstad's demolition for decline (POLICY_RULES 3.2)",
     "Each year, the least wanted stock is demolished so that vacancy at the year's end "
     "stays at or under the cap: in buurten of high vacancy, vacant dwellings much likelier "
     "(private ones bought up for it) than occupied corporation dwellings (tenants "
     "displaced); "
     "replacement is built at a set ratio and segment mix.",
     "Sloop en vervanging", lever=True, label_en="Demolition and replacement")
_schedule("demolition", "Sloop", "Demolition")
_add("demolition_vacancy_cap", 0.05, float, "share of dwellings", "demolition",
     "Assumption: about the vacancy of the start (CBS 'onbewoond' 2019: 5.3%)",
     "Vacancy the lever keeps the city at or under, at the end of each year.",
     "Leegstandsplafond", low=0.01, high=0.3, lever=True, label_en="Vacancy cap")
_add("demolition_buurt_vacancy", 0.04, float, "share of dwellings", "demolition",
     "Assumption", "Only buurten whose vacancy exceeds this share are demolished in (all "
     "buurten, if none does).", "Leegstandsdrempel buurt", low=0.0, high=0.5, lever=True,
     label_en="Buurt vacancy threshold")
_add("demolition_max_per_year", 1500, int, "dwellings per year", "demolition",
     "Assumption (capacity of the corporations)", "Most dwellings demolished in one year.",
     "Max. sloop per jaar", low=0, high=10000, lever=True, label_en="Most demolished per year")
_add("demolition_replacement_ratio", 0.3, float, "new per demolished", "demolition",
     "Assumption (restructuring usually rebuilds fewer dwellings than it demolishes)",
     "Dwellings built in the same buurten per dwelling demolished.", "Vervangingsratio",
     low=0.0, high=0.95, lever=True, label_en="Replacement ratio")
_add("demolition_replacement_mix", (0.4, 0.1, 0.0, 0.1, 0.0, 0.2, 0.2, 0.0), "vector",
     "share of replacement", "demolition",
     f"{_VISION}: replace one-sided stock by a mix",
     "Segment mix of the replacement (corp_social, corp_middle, private_cheap, private_free, "
     "own_1..own_4).", "Segmentmix vervanging", low=0.0, high=1.0, length=8, vector_sum=1.0,
     lever=True, label_en="Replacement mix")

# target-group regulation
_add("target_group", False, bool, "on/off", "target_group",
     "Doelgroepenverordening Heerlen 2023 (CVDR709065; POLICY_RULES 1.2)",
     "New social rent is let only to the DAEB target group, new middle rent only to the "
     "middle-income band, new affordable purchase (WOZ up to 390,000) only to incomes up to "
     "78,500, for the lock-in period after it is built.",
     "Doelgroepenverordening", lever=True, label_en="Target-group regulation")
_schedule("target_group", "Doelgroepen", "Target groups", start=2024)
_add("target_group_lock_years", 10, int, "years", "target_group",
     "Doelgroepenverordening Heerlen 2023: at least 10 years", "Years a new dwelling stays "
     "reserved for its target group.", "Instandhoudingstermijn", low=1, high=50, lever=True,
     label_en="Lock-in period")

# capacity test
_add("capacity_test", False, bool, "on/off", "capacity_test",
     "Heerlen policy package Dec 2023 (draagkrachtstoets; POLICY_RULES 2.1)",
     "No placement of vulnerable households, and no splitting of dwellings, in buurten "
     "whose liveability or vulnerable share fails the test (last year's figures); refused "
     "households look elsewhere in the city or leave for the region.",
     "Draagkrachtstoets", lever=True, label_en="Capacity test")
_schedule("capacity_test", "Draagkrachtstoets", "Capacity test", start=2024)
_add("capacity_test_liveability_min", 0.0, float, "sd", "capacity_test",
     "POLICY_RULES 2.1: allowed only where liveability is above average (0 = the city's "
     "average buurt)", "A buurt fails if its liveability is below this.",
     "Minimale leefbaarheid", low=-5.0, high=5.0, lever=True, label_en="Lowest liveability")
_add("capacity_test_vulnerable_max", 0.12, float, "share of households", "capacity_test",
     "Assumption: about 1.3 x the city's vulnerable share at the start (9%)",
     "A buurt fails if its share of vulnerable households is above this.",
     "Maximaal aandeel kwetsbaren", low=0.0, high=1.0, lever=True,
     label_en="Highest vulnerable share")
_add("capacity_test_combine", "either", str, "rule", "capacity_test",
     "POLICY_RULES 2.1: the combination is a parameter",
     "'either': a buurt fails if one of the two tests fails; 'both': only if both fail.",
     "Combinatie toetsen", choices=("either", "both"), lever=True, label_en="Combination")

# vulnerable private renting
_add("splitting_rate", 0.01, float, "share per year", "private_renting",
     "Assumption: NPHLN reports landlords splitting and converting homes (huisjesmelkers)",
     "Without a ban, the yearly share of large private rentals (4+ rooms) that landlords "
     "split into one-room units (vacant ones likelier); not in buurten failing an active "
     "capacity test.", "Splitsingskans", low=0.0, high=0.2,
     label_en="Splitting rate")
_add("splitting_units", 3, int, "units", "private_renting", "Assumption",
     "Units one split dwelling becomes.", "Eenheden per splitsing", low=2, high=8,
     label_en="Units per split")
_add("splitting_rent", 480.0, float, "EUR/month", "private_renting",
     "Assumption (room rents in Parkstad)", "Monthly rent of a unit made by splitting.",
     "Huur per eenheid", low=200.0, high=1000.0, label_en="Rent per unit")
_add("splitting_ban", False, bool, "on/off", "private_renting",
     "Heerlen bestemmingsplan 'Woningsplitsing en kamerbewoning' (20-12-2023; "
     "POLICY_RULES 2.5)", "No more splitting of dwellings into units.", "Splitsingsverbod",
     lever=True, label_en="Splitting ban")
_schedule("private_renting", "Particuliere huur", "Private renting", start=2024)
_add("private_upgrade_share", 0.0, float, "share per year", "private_renting",
     f"{_VISION}: lever 5, landlords shift to middle rent and zero-step apartments",
     "Yearly share of cheap private rentals turned into free-sector rent at the new-build "
     "private_free rent of new_rent (middle-rent level by default) at the next letting "
     "(never by moving the sitting tenant).", "Aandeel naar middenhuur", low=0.0, high=0.2,
     lever=True, label_en="Share to middle rent")
_add("private_upgrade_zero_step_share", 0.0, float, "share of upgrades", "private_renting",
     f"{_VISION}: lever 5", "Share of those upgrades made zero-step senior flats.",
     "Aandeel nultreden", low=0.0, high=1.0, lever=True, label_en="Share zero-step")
_add("local_binding", False, bool, "on/off", "private_renting",
     "Huisvestingsverordening Heerlen 2022/2024 (POLICY_RULES 2.2)",
     "Cheap private rent only to home-seekers with binding to the region: in-movers from "
     "outside Parkstad without income from work may not rent it.", "Lokale binding",
     lever=True, label_en="Local binding")
_add("local_binding_rent_max", 700.0, float, "EUR/month", "private_renting",
     "POLICY_RULES 2.2: about 680 in 2022, here in 2024 euros",
     "Cheap private rents up to this amount fall under local binding (only cheap private "
     "rent is covered: above the liberalisation limit, 879.66, it covers all of it).",
     "Huurgrens lokale binding", low=0.0, high=1500.0, lever=True, label_en="Rent limit")

# selective allocation (Wbmgp)
_add("selective_allocation", False, bool, "on/off", "selective_allocation",
     "Wet bijzondere maatregelen grootstedelijke problematiek art. 8 (POLICY_RULES 2.3); "
     "proposed for Heerlen-Noord",
     "In the designated areas, social and cheap private rent only to households with "
     "income from work or pension, for those who have lived in the region for fewer than "
     "the residence years.", "Selectieve woningtoewijzing", lever=True,
     label_en="Selective allocation")
_schedule("selective_allocation", "Selectieve toewijzing", "Selective allocation")
_add("selective_allocation_areas", "", str, "wijk or buurt codes", "selective_allocation",
     "Assumption: no designation is confirmed (POLICY_RULES 2.3)",
     "Designated areas: wijk or buurt codes or names, separated by commas.",
     "Aangewezen gebieden", lever=True, label_en="Designated areas")
_add("selective_allocation_residence_years", 6, int, "years", "selective_allocation",
     "Wbmgp art. 8: applies to those in the region for less than 6 years",
     "Years in the region after which the rule no longer applies to a household.",
     "Verblijfsduur", low=0, high=50, lever=True, label_en="Residence years")

# fair share
_add("fair_share_cut", 0.0, float, "share of vulnerable in-movers", "fair_share",
     f"{_VISION}: lever 6 (afstapeling, regional spreading of priority groups)",
     "Fraction by which the yearly inflow of vulnerable households from other "
     "municipalities is cut (the region houses them instead; a little more than this share "
     "of vulnerable in-movers is refused, as the path draws replacements); 0 = off.",
     "Eerlijke verdeling: reductie", low=0.0, high=1.0, lever=True, label_en="Fair share: cut")
_schedule("fair_share", "Eerlijke verdeling", "Fair share")

# city marriages
_add("city_marriages", "", str, "pairs", "city_marriage",
     f"{_VISION}: lever 7, (Park)stadshuwelijken (definition not found; POLICY_RULES 3.1)",
     "Pairs 'A>B' separated by ';': corporation stock is thinned in Heerlen wijk A and "
     "added in B, another Heerlen wijk or a Parkstad municipality of outside.csv (code or "
     "name). Households housed in a partner municipality count there, not as lost.",
     "Stadshuwelijken", lever=True, label_en="City marriages")
_schedule("city_marriage", "Stadshuwelijk", "City marriage")
_add("city_marriage_per_year", 20, int, "dwellings per pair per year", "city_marriage",
     "Assumption", "Corporation dwellings thinned in A, and added in B, per pair per year.",
     "Woningen per paar per jaar", low=0, high=2000, lever=True, label_en="Dwellings per year")
_add("city_marriage_mode", "demolish", str, "how", "city_marriage", "Assumption",
     "How A is thinned: 'demolish' (tenants displaced) or 'sell' (to owner-occupiers at the "
     "next letting).", "Uitdunnen door", choices=("demolish", "sell"), lever=True,
     label_en="Thinned by")

# renovation
_add("renovation_per_year", 0, int, "dwellings per year", "renovation",
     "Verduurzamingsoffensief Heerlen (POLICY_RULES 3.2): no E/F/G labels in the social "
     "stock by 2028", "Corporation social dwellings renovated per year (drawn at random, "
     "likelier in buurten of low liveability); 0 = none.", "Renovaties per jaar", low=0, high=5000,
     lever=True, label_en="Renovations per year")
_schedule("renovation", "Renovatie", "Renovation")
_add("renovation_middle_share", 0.0, float, "share of renovated", "renovation",
     f"{_VISION}: lever 8 (Vrieheide: not confirmed, POLICY_RULES 0)",
     "Share of renovated dwellings re-let as middle rent at the next letting (never by "
     "moving the sitting tenant).", "Aandeel naar middenhuur", low=0.0, high=1.0,
     lever=True, label_en="Share to middle rent")
_add("renovation_middle_rent", 950.0, float, "EUR/month", "renovation",
     "Assumption: just above the liberalisation limit (879.66)",
     "Rent of a renovated dwelling re-let as middle rent.", "Huur na renovatie",
     low=880.0, high=1157.0, lever=True, label_en="Middle rent after renovation")
_add("renovation_liveability_gain", 1.0, float, "sd per share renovated", "renovation",
     "Assumption (Leefbarometer: restructuring raises the 'woningvoorraad' dimension)",
     "Rise of a buurt's fixed liveability per unit share of its stock renovated.",
     "Leefbaarheidswinst", low=0.0, high=10.0, label_en="Liveability gain")

# middle rent in the corporation stock
_add("corp_middle_target", 0.0, float, "share of corporation stock", "corp_middle",
     f"{_VISION}: lever 9 (performance agreements)",
     "Share of the corporation stock let as middle rent by the last year, reached by "
     "re-letting social dwellings as middle rent (straight path from the first year); "
     "0 = no target.", "Doel middenhuur corporaties", low=0.0, high=0.5, lever=True,
     label_en="Corporation middle-rent target")
_schedule("corp_middle", "Middenhuur corporaties", "Corporation middle rent", end=2035)

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
