from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.rotate_webhook_secret_response_rotatewebhooksecret import RotateWebhookSecretResponseRotatewebhooksecret
from typing import cast



def _get_kwargs(
    webhook_id: str,
    *,
    idempotency_key: str,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["Idempotency-Key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/webhooks/{webhook_id}/secret-rotations".format(webhook_id=quote(str(webhook_id), safe=""),),
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | RotateWebhookSecretResponseRotatewebhooksecret | None:
    if response.status_code == 201:
        response_201 = RotateWebhookSecretResponseRotatewebhooksecret.from_dict(response.json())



        return response_201

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())



        return response_404

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | RotateWebhookSecretResponseRotatewebhooksecret]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    webhook_id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: str,

) -> Response[Problem | RotateWebhookSecretResponseRotatewebhooksecret]:
    """ Rotate Webhook Secret

     Give a webhook a new secret; the previous one keeps signing deliveries for a day.

    Args:
        webhook_id (str):
        idempotency_key (str): Required on every request that changes state (IETF Idempotency-Key
            draft). A retry with the same key and body gets the original answer; another body is
            refused (422).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RotateWebhookSecretResponseRotatewebhooksecret]
     """


    kwargs = _get_kwargs(
        webhook_id=webhook_id,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    webhook_id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: str,

) -> Problem | RotateWebhookSecretResponseRotatewebhooksecret | None:
    """ Rotate Webhook Secret

     Give a webhook a new secret; the previous one keeps signing deliveries for a day.

    Args:
        webhook_id (str):
        idempotency_key (str): Required on every request that changes state (IETF Idempotency-Key
            draft). A retry with the same key and body gets the original answer; another body is
            refused (422).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RotateWebhookSecretResponseRotatewebhooksecret
     """


    return sync_detailed(
        webhook_id=webhook_id,
client=client,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    webhook_id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: str,

) -> Response[Problem | RotateWebhookSecretResponseRotatewebhooksecret]:
    """ Rotate Webhook Secret

     Give a webhook a new secret; the previous one keeps signing deliveries for a day.

    Args:
        webhook_id (str):
        idempotency_key (str): Required on every request that changes state (IETF Idempotency-Key
            draft). A retry with the same key and body gets the original answer; another body is
            refused (422).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RotateWebhookSecretResponseRotatewebhooksecret]
     """


    kwargs = _get_kwargs(
        webhook_id=webhook_id,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    webhook_id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: str,

) -> Problem | RotateWebhookSecretResponseRotatewebhooksecret | None:
    """ Rotate Webhook Secret

     Give a webhook a new secret; the previous one keeps signing deliveries for a day.

    Args:
        webhook_id (str):
        idempotency_key (str): Required on every request that changes state (IETF Idempotency-Key
            draft). A retry with the same key and body gets the original answer; another body is
            refused (422).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RotateWebhookSecretResponseRotatewebhooksecret
     """


    return (await asyncio_detailed(
        webhook_id=webhook_id,
client=client,
idempotency_key=idempotency_key,

    )).parsed
