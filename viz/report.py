"""The run report (report.html): placeholder until the report module lands."""


def write_report(model, path, scenario_name: str, seed: int) -> None:
    path.write_text(f"<html><body><h1>sorteermachine: {scenario_name}, seed {seed}</h1>"
                    "</body></html>\n")
