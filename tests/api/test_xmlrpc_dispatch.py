"""The endpoint itself: POST only, method list, multicall, unknown methods and bad arguments as faults."""

import xmlrpc.client
from pathlib import Path

import pytest

from sampan.api.xmlrpc.dispatch import MAX_MULTICALL

from .xmlrpc_helpers import call, fault_of, result_of

pytestmark = pytest.mark.django_db


def test_get_is_refused_with_wordpress_words(client):
    response = client.get("/xmlrpc.php")
    assert response.status_code == 405
    assert response.content.decode() == "XML-RPC server accepts POST requests only."


def test_list_methods_names_the_blogging_apis(client):
    names = result_of(call(client, "system.listMethods"))
    for name in (
        "blogger.getUsersBlogs",
        "metaWeblog.newPost",
        "wp.newPost",
        "wp.getOptions",
        "system.multicall",
    ):
        assert name in names


def test_unknown_method_is_a_fault_not_an_error_page(client):
    assert fault_of(call(client, "no.suchMethod")) == (
        -32601,
        "server error. requested method no.suchMethod does not exist.",
    )


def test_wrong_number_of_arguments_is_an_invalid_params_fault(client):
    code, _ = fault_of(call(client, "wp.getUsersBlogs", "only-one"))
    assert code == -32602


def test_multicall_answers_each_call_on_its_own(client):
    answers = result_of(
        call(
            client,
            "system.multicall",
            [
                {"methodName": "system.listMethods", "params": []},
                {"methodName": "no.such", "params": []},
                {"methodName": "system.multicall", "params": [[]]},
            ],
        )
    )
    assert isinstance(answers[0], list) and "wp.newPost" in answers[0][0]
    assert answers[1]["faultCode"] == -32601
    assert answers[2]["faultCode"] == -32602  # no nesting


def test_multicall_refuses_more_calls_than_the_cap(client):
    calls = [{"methodName": "system.listMethods", "params": []}] * (MAX_MULTICALL + 1)
    code, message = fault_of(call(client, "system.multicall", calls))
    assert code == -32602
    assert str(MAX_MULTICALL) in message


def test_responses_are_xml_with_an_xml_content_type(client):
    response = call(client, "system.listMethods")
    assert response["Content-Type"].startswith("text/xml")
    xmlrpc.client.loads(response.content)


def test_every_method_is_in_the_api_docs(client):
    docs = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
    names = result_of(call(client, "system.listMethods"))
    missing = [name for name in names if f"`{name}`" not in docs]
    assert not missing, f"docs/api.md's XML-RPC methods table lacks: {missing}"
