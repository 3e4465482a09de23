"""Superusers may still edit the deal pipeline's stages in the Django admin (everyone else uses
Settings › Deal stages)."""


def test_an_admin_renames_and_reorders_a_stage(client, make_user):
    from beachhead.accounts.models import Stage

    client.force_login(make_user("admin"))
    stage = Stage.objects.order_by("order").first()
    page = client.get("/admin/accounts/stage/")
    assert page.status_code == 200
    assert stage.key in page.content.decode()
    response = client.post(
        f"/admin/accounts/stage/{stage.pk}/change/",
        {
            "key": stage.key,
            "name": "Qualified lead",
            "order": 42,
            "probability": 15,
            "is_won": "",
            "is_lost": "",
        },
    )
    assert response.status_code == 302
    stage.refresh_from_db()
    assert (stage.name, stage.order, stage.probability) == ("Qualified lead", 42, 15)


def test_other_roles_cannot_reach_the_admin(client, make_user):
    client.force_login(make_user("regional_manager", ["JP"]))
    assert client.get("/admin/accounts/stage/").status_code == 302
