from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.redelivery_out import RedeliveryOut
from typing import cast



def _get_kwargs(
    delivery_id: str,
    *,
    idempotency_key: str,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["Idempotency-Key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/webhooks/deliveries/{delivery_id}/redeliver".format(delivery_id=quote(str(delivery_id), safe=""),),
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | RedeliveryOut | None:
    if response.status_code == 200:
        response_200 = RedeliveryOut.from_dict(response.json())



        return response_200

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

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())



        return response_409

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | RedeliveryOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    delivery_id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: str,

) -> Response[Problem | RedeliveryOut]:
    """ Redeliver Webhook Delivery

     Send a past delivery again now, with its original `webhook-id`; the attempt joins its log.

    Args:
        delivery_id (str):
        idempotency_key (str): Required on every request that changes state (IETF Idempotency-Key
            draft). A retry with the same key and body gets the original answer; another body is
            refused (422).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RedeliveryOut]
     """


    kwargs = _get_kwargs(
        delivery_id=delivery_id,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    delivery_id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: str,

) -> Problem | RedeliveryOut | None:
    """ Redeliver Webhook Delivery

     Send a past delivery again now, with its original `webhook-id`; the attempt joins its log.

    Args:
        delivery_id (str):
        idempotency_key (str): Required on every request that changes state (IETF Idempotency-Key
            draft). A retry with the same key and body gets the original answer; another body is
            refused (422).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RedeliveryOut
     """


    return sync_detailed(
        delivery_id=delivery_id,
client=client,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    delivery_id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: str,

) -> Response[Problem | RedeliveryOut]:
    """ Redeliver Webhook Delivery

     Send a past delivery again now, with its original `webhook-id`; the attempt joins its log.

    Args:
        delivery_id (str):
        idempotency_key (str): Required on every request that changes state (IETF Idempotency-Key
            draft). A retry with the same key and body gets the original answer; another body is
            refused (422).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RedeliveryOut]
     """


    kwargs = _get_kwargs(
        delivery_id=delivery_id,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    delivery_id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: str,

) -> Problem | RedeliveryOut | None:
    """ Redeliver Webhook Delivery

     Send a past delivery again now, with its original `webhook-id`; the attempt joins its log.

    Args:
        delivery_id (str):
        idempotency_key (str): Required on every request that changes state (IETF Idempotency-Key
            draft). A retry with the same key and body gets the original answer; another body is
            refused (422).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RedeliveryOut
     """


    return (await asyncio_detailed(
        delivery_id=delivery_id,
client=client,
idempotency_key=idempotency_key,

    )).parsed
